from django import template

from ..choices import Health

register = template.Library()


@register.filter
def health_choice(value):
    """The Health member for a stored value, for its label and badge colour."""
    return Health(value)
