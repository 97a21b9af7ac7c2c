from django import template
from django.utils.html import format_html, json_script

register = template.Library()


@register.simple_tag(takes_context=True)
def chart(context, name: str, label: str):
    """A plotly figure of the page's ``charts``, drawn by static/js/app.js from the JSON beside it."""
    data_id = f"chart-{name}-data"
    return format_html(
        '<div class="chart" id="chart-{}" data-plotly-figure="{}" role="img" aria-label="{}"></div>{}',
        name,
        data_id,
        label,
        json_script(context["charts"][name], data_id),
    )


@register.filter
def lookup(mapping: dict, key):
    return mapping.get(key, "")
