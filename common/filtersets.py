import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with free-text ``search``: every word must appear in one of ``search_fields``."""

    search_fields: tuple[str, ...] = ()

    search = django_filters.CharFilter(method="filter_search", label=_("Search"))

    def filter_search(self, queryset, name, value):
        for word in value.split():
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset
