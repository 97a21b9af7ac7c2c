from django import template

from ..choices import Health, KeyListStatus, ProjectStatus, ReportStatus

register = template.Library()


@register.filter
def health_choice(value):
    """The Health member for a stored value, for its label and badge colour."""
    return Health(value)


@register.filter
def project_status(value):
    """The ProjectStatus member for a stored value, for its label and badge colour."""
    return ProjectStatus(value)


@register.filter
def report_status(value):
    return ReportStatus(value)


@register.filter
def key_list_status(value):
    return KeyListStatus(value)
