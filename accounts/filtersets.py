"""The FilterSets of regions and units: the same filters drive the pages, the API and the exports."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from common.filtersets import SearchFilterSet

from .choices import OrganizationKind, RegionLevel
from .models import Organization, Region


@extend_schema_field(OpenApiTypes.INT)
class WithinRegionFilter(django_filters.ModelChoiceFilter):
    """Rows of a region and of every region under it (a city's filter includes its districts)."""

    def __init__(self, *args, path: str = "region", **kwargs):
        self.path = path
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("label", _("region"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if value in ([], (), {}, "", None):
            return queryset
        return queryset.filter(**{f"{self.path}__in": Region.objects.within(value)})


class RegionFilterSet(SearchFilterSet):
    search_fields = ("name", "code")
    level = django_filters.MultipleChoiceFilter(label=_("level"), choices=RegionLevel.choices)
    within = WithinRegionFilter(path="pk", label=_("within region"))

    class Meta:
        model = Region
        fields = ["level", "parent", "code"]


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=OrganizationKind.choices)
    region = WithinRegionFilter()

    class Meta:
        model = Organization
        fields = ["kind", "parent"]
