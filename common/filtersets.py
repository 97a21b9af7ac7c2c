from collections.abc import Sequence
from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IContains
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.utils import extend_schema_field

from . import bounds

# A search longer than any text a list searches is not a search.
SEARCH_MAX_LENGTH = 500


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


class SearchField(forms.CharField):
    """Free text of at most ``settings.SEARCH_MAX_WORDS`` words (and ``SEARCH_MAX_LENGTH`` characters): each word is one
    condition of the query, so the words bound its cost."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        words = len(value.split())
        if words > settings.SEARCH_MAX_WORDS:
            raise forms.ValidationError(
                _("Search for at most %(limit)d words; this search has %(count)d."),
                code="too_many_words",
                params={"limit": settings.SEARCH_MAX_WORDS, "count": words},
            )


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def _multi_valued(model, path: str) -> bool:
    """Whether the field path (``proposers__name``) passes through a relation of many rows (a many-to-many field or
    a reverse foreign key), where a condition per word would join those rows once per word."""
    for part in path.split("__")[:-1]:
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def _related_rows(model, path: str, word: str):
    """The rows at the far end of ``path``'s first relation (a many-to-many field or a reverse foreign key) that
    belong to the outer row of ``model`` and in which the rest of ``path`` holds ``word``."""
    first, rest = path.split("__", 1)
    field = model._meta.get_field(first)
    back = field.related_query_name() if field.many_to_many and not field.auto_created else field.field.name
    return field.related_model._base_manager.filter(**{back: OuterRef("pk"), f"{rest}__icontains": word})


def search_condition(model, fields: Sequence[str], words: Sequence[str]) -> Q:
    """Rows of ``model`` in which each of ``words`` appears (case aside) in one of ``fields``: per word, one test over
    the row's own columns and those of its single related rows (``project__name``) written together with line breaks
    between them (a word has no white space, so it never runs from one column into the next), and an ``EXISTS``
    per field through a relation of many rows (``proposers__name``). No join is added per word: a query of ten words
    costs ten times one word, never a product of joins (24 words of the old join-per-word search took 11 s on SQLite).
    """
    single = [field for field in fields if not _multi_valued(model, field)]
    multiple = [field for field in fields if _multi_valued(model, field)]
    text = None
    if len(single) == 1:
        text = F(single[0])
    elif single:
        parts = [F(single[0])]
        for field in single[1:]:
            parts.extend([Value("\n"), F(field)])
        text = Concat(*parts, output_field=models.TextField())
    condition = Q()
    for word in words:
        matches = Q(IContains(text, word)) if text is not None else Q()
        for field in multiple:
            matches |= Q(Exists(_related_rows(model, field, word)))
        condition &= matches
    return condition


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter as 全部/是/否: left alone it filters nothing (Django's own select calls that 未知)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def format_value(self, value):
        value = super().format_value(value)
        return "" if value == "unknown" else value


class FilterSet(django_filters.FilterSet):
    """The filters of every list: yes/no filters read 全部/是/否."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for declared in self.filters.values():  # a copy per instance: the class's filters stay as declared
            if isinstance(declared, django_filters.BooleanFilter):
                declared.extra["widget"] = YesNoSelect


class SearchFilterSet(FilterSet):
    """A FilterSet with free-text ``search``: every word must appear in one of ``search_fields``
    (``search_condition``)."""

    # Many-to-many fields named in ``Meta.fields`` get the bounded filter too.
    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ManyToManyField: {
            **FILTER_FOR_DBFIELD_DEFAULTS[models.ManyToManyField],
            "filter_class": ModelMultipleChoiceFilter,
        },
    }

    search_fields: tuple[str, ...] = ()

    search = extend_schema_field({"type": "string", "maxLength": SEARCH_MAX_LENGTH})(
        SearchFilter(method="filter_search", label=_("Search"))
    )

    def filter_search(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        return queryset.filter(search_condition(queryset.model, self.search_fields, words))


# Query parameters of a list that are not filters: the order, the page, its size, the archive switch, an export.
NOT_FILTERS = frozenset({"ordering", "page", "per_page", "archived", "export"})
# A query of hundreds of values shows this many chips and a count of the rest, and a chip this many characters of
# its value: the page stays small whatever the address holds.
MAX_CHIPS = 30
CHIP_TEXT_MAX = 40


@dataclass(frozen=True)
class FilterChip:
    """One active filter value, as the list shows it above the rows: ``label：value``, and the list without it."""

    name: str
    label: str
    value: str
    remove_url: str


def _shown_values(field, raw_values: list[str], cleaned) -> dict[str, str]:
    """How each submitted value of ``field`` reads: a choice's label, an object's name, a yes/no as 是/否."""
    if isinstance(field, forms.NullBooleanField):
        return {raw: str(_("Yes") if cleaned else _("No")) for raw in raw_values if cleaned is not None}
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        objects = cleaned if isinstance(field, forms.ModelMultipleChoiceField) else [cleaned]
        names = {str(obj.pk): str(obj) for obj in objects or () if obj is not None}
        return {raw: names.get(raw, raw) for raw in raw_values}
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for value, label in field.choices:
            if isinstance(label, list | tuple):  # a group of choices
                labels.update({str(v): str(lbl) for v, lbl in label})
            else:
                labels[str(value)] = str(label)
        return {raw: labels.get(raw, raw) for raw in raw_values}
    return {raw: raw for raw in raw_values}


def _clipped(text: str) -> str:
    return text if len(text) <= CHIP_TEXT_MAX else f"{text[: CHIP_TEXT_MAX - 1]}…"


def filter_chips(filterset, query: QueryDict, path: str) -> tuple[list[FilterChip], int]:
    """The list's active filters, one chip per value, each linking to the same list without that value (and back on
    its first page); and how many values are left unshown beyond ``MAX_CHIPS``. A value the form refused reads as
    it was typed."""
    form = filterset.form
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})  # the values that passed; a refused one is shown as typed
    chips, hidden = [], 0
    for name in sorted(form.fields, key=lambda name: name != "search"):  # the search first, as on the form
        field = form.fields[name]
        if name in NOT_FILTERS:
            continue
        raw_values = [value for value in query.getlist(name) if value.strip()]
        if not raw_values:
            continue
        shown = _shown_values(field, raw_values, cleaned.get(name)) if name in cleaned else {}
        for raw in raw_values:
            if len(chips) >= MAX_CHIPS:
                hidden += 1
                continue
            if name in cleaned and raw not in shown:
                continue  # a value that filters nothing (全部)
            rest = query.copy()
            rest.setlist(name, [value for value in query.getlist(name) if value != raw])
            rest.pop("page", None)
            remaining = rest.urlencode()
            chips.append(
                FilterChip(
                    name=name,
                    label=str(field.label),
                    value=_clipped(shown.get(raw, raw)),
                    remove_url=f"{path}?{remaining}" if remaining else path,
                )
            )
    return chips, hidden
