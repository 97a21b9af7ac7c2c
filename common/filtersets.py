import django_filters
from django import forms
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field

from . import bounds


class BoundedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Refuses an integer key that the column cannot hold, as an invalid choice, before the query that would fail on
    it (``pk__in`` has no overflow guard: SQLite raises OverflowError, PostgreSQL an out-of-range error)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        field = self.queryset.model._meta.pk if key == "pk" else self.queryset.model._meta.get_field(key)
        if isinstance(field, models.IntegerField | models.AutoField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            for pk in value:
                try:
                    number = int(str(pk))
                except ValueError:
                    continue  # Django's own check refuses it
                if (low is not None and number < low) or (high is not None and number > high):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Several objects by id (``?unit=3&unit=5``); an id beyond the column's range is a 400, never a 500."""

    field_class = BoundedModelMultipleChoiceField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number between ``min_value`` and ``max_value``; the schema says so."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value, max_value, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        extend_schema_field({"type": "integer", "minimum": min_value, "maximum": max_value})(self)


class YearFilter(IntegerFilter):
    """A calendar year within the years every stored date keeps (``common.bounds``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=bounds.YEAR_MIN, max_value=bounds.YEAR_MAX, **kwargs)


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with free-text ``search``: every word must appear in one of ``search_fields``."""

    # Many-to-many fields named in ``Meta.fields`` get the bounded filter too.
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ManyToManyField: {
            **FILTER_FOR_DBFIELD_DEFAULTS[models.ManyToManyField],
            "filter_class": ModelMultipleChoiceFilter,
        },
    }

    search_fields: tuple[str, ...] = ()

    search = django_filters.CharFilter(method="filter_search", label=_("Search"))

    def filter_search(self, queryset, name, value):
        for word in value.split():
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset
