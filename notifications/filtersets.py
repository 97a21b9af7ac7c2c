"""The notification list's filters: the same on the centre's page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.filtersets import FilterSet

from .choices import NotificationKind
from .models import Notification


class NotificationFilterSet(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    kind = django_filters.ChoiceFilter(choices=NotificationKind.choices, label=_("Kind"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
