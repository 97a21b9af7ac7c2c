import django_filters
from django.utils.translation import gettext_lazy as _

from common.bounds import YEAR_MAX, YEAR_MIN
from common.filtersets import FilterSet

from .models import SpecialDay


class SpecialDayFilterSet(FilterSet):
    year = django_filters.NumberFilter(field_name="date__year", label=_("year"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    class Meta:
        model = SpecialDay
        fields = ["year", "kind", "holiday", "provisional"]
