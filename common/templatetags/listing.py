"""Tags for list pages: sortable column headers and page links that keep the current filters in the URL."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, name, label, css=""):
    """A ``<th>`` whose link sorts by ``name``, then reverses; ``aria-sort`` tells screen readers the order."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == name:
        params["ordering"], arrow, aria = f"-{name}", "▲", "ascending"
    elif current == f"-{name}":
        params["ordering"], arrow, aria = name, "▼", "descending"
    else:
        params["ordering"], arrow, aria = name, "", "none"
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a class="sort-link" href="?{}">{}</a>{}</th>',
        css,
        aria,
        params.urlencode(),
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with another page number, every filter kept."""
    params = context["request"].GET.copy()
    params["page"] = page_number
    return f"?{params.urlencode()}"


@register.simple_tag
def page_links(page_obj) -> list:
    """The page numbers to link: the first and the last, two either side of the current one, and None for each gap
    (shown as …). Computed, not looped over in the template: a list of a million rows has 20,000 pages."""
    return [
        None if number == page_obj.paginator.ELLIPSIS else number
        for number in page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    ]


@register.filter
def verbose_name(model):
    return model._meta.verbose_name


@register.simple_tag(takes_context=True)
def export_url(context, kind):
    """The current list's address, every filter and the sort kept, asking for all its rows as ``kind``."""
    params = context["request"].GET.copy()
    for name in ("page", "per_page", "export"):
        params.pop(name, None)
    params["export"] = kind
    return f"?{params.urlencode()}"
