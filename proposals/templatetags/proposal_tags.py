"""Template tags of the proposal pages: the time a unit has left, the status and satisfaction badges, the printed
letter."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from proposals import letters
from proposals.choices import Satisfaction

register = template.Library()


@register.simple_tag
def time_left(days_left, overdue):
    """ "3 days left" or, in red, "5 days overdue"; nothing when no reply is owed (``days_left`` is None)."""
    if days_left is None:
        return ""
    days = round(days_left)
    if overdue:
        text = ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
        return format_html('<span class="badge text-bg-danger">{}</span>', text)
    if days == 0:
        text = gettext("due today")
        return format_html('<span class="badge text-bg-warning">{}</span>', text)
    text = ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    css = "text-bg-warning" if days <= 7 else "text-bg-light border"
    return format_html('<span class="badge {}">{}</span>', css, text)


@register.inclusion_tag("proposals/includes/status_badge.html")
def proposal_status(proposal):
    return {"proposal": proposal}


@register.filter
def satisfaction_badge(satisfaction: str) -> str:
    """The badge colour of a feedback's satisfaction (``Satisfaction.badge``)."""
    return Satisfaction.badge(satisfaction)


@register.filter
def letter(reply, addressees):
    """The printed pieces of a reply letter (``proposals.letters.Letter``):
    ``{% with letter=reply|letter:addressees %}``."""
    return letters.letter(reply, addressees or ())
