"""The FilterSet of units: the same filters drive the pages, the API and the exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.filtersets import SearchFilterSet

from .choices import OrganizationKind
from .models import Organization


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=OrganizationKind.choices)

    class Meta:
        model = Organization
        fields = ["kind", "parent"]
