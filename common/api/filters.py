from rest_framework.filters import BaseFilterBackend


class RegionScopeFilter(BaseFilterBackend):
    """Every list and lookup of the API holds only the rows of the caller's regions (``User.scope``): the first filter
    backend, so that no filter, ordering or id reaches another region's rows."""

    def filter_queryset(self, request, queryset, view):
        scope = getattr(request.user, "scope", None)
        return scope(queryset) if scope is not None else queryset.none()
