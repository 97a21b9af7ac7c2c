"""Spreadsheet import and export of the portfolio (django-import-export resources).

The columns are the office's own tables (重大项目计划表, 目标责任分解表, 进度月报…): Chinese headers, which are data and
not translated; related objects by their names, never database ids; choices written as their Chinese labels and read
as the Chinese label, the English label or the code; dates and months as people type them.

A resource is made once per import or export: ``ProjectResource(user=request.user)`` to import (the user is checked
row by row and recorded in the history), ``ProjectResource(year=2026)`` to export. Exports give native values (numbers,
dates, text) for ``common.xlsx.Sheet``; ``get_export_columns()`` gives the matching ``Column`` list,
``prepare_export_queryset(queryset)`` adds the relations the rows read and ``export_rows(objects)`` renders them,
loading the rest a batch at a time, so that a list exports in a constant number of queries per 2,000 rows.

Importing never uses import-export's bulk mode: every row is validated and saved on its own, inside one transaction.
Its history is django-simple-history's, under the importing user: written row by row by the services that reports and
proposals go through, and for the other resources once at the end of the import in a few queries (``write_history``:
one record per object, with its many-to-many values), which is what lets 5,000 rows import in seconds. A dry run
(the preview) validates every row as the real run does but writes nothing. The file-level work (finding the header
row, encodings, the preview) is in ``reports.imports``.
"""

import copy
import datetime
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import CheckConstraint, F, Model, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from simple_history.models import HistoricalRecords

from common import bounds
from common.bounds import money_sum
from common.xlsx import Column

from .choices import Health, InvestmentModel, ProjectStatus, ProjectTier, ReportStatus
from .models import (
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Organization,
    Plan,
    ProgressReport,
    Project,
    period_of,
)
from .selectors import phase_investment_flags

# The words of subtotal and total rows in the office's tables; such rows are passed over on import.
TOTAL_WORDS = frozenset({"小计", "合计", "总计", "共计"})
# Stored as the summary of a report the office's import approves (data, like the column headers).
IMPORTED_PROGRESS_SUMMARY = "由智慧办导入更新"
PLAN_SEPARATOR = "；"
NAME_SEPARATOR = "、"
PLAN_SPLIT = re.compile(r"[；;\n\r]+")
NAME_SPLIT = re.compile(r"[；;、，,\n\r]+")
YEARS_DASH = "—"
LIST_LIMIT = 300  # names listed in a template's instructions at most
EXPORT_BATCH = 2000  # objects an export renders at a time (their related rows fetched together)
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Beyond every numeric column's limit (common.bounds), and small enough to round to four decimals exactly.
NUMBER_CEILING = Decimal(10) ** 18


def normalize(value) -> str:
    """Text compared loosely: full-width letters, digits and brackets as half-width, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))


def normalize_header(value) -> str:
    """A header as compared with the resource's: as ``normalize``, and a required-mark asterisk dropped."""
    return normalize(value).replace("*", "")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_total_label(value) -> bool:
    return normalize(value) in TOTAL_WORDS


def _same(left, right) -> bool:
    """Equal as stored: 1000.0 from Excel equals Decimal("1000.00")."""
    numbers = (int, float, Decimal)
    if (
        isinstance(left, numbers)
        and isinstance(right, numbers)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ):
        try:
            return Decimal(str(left)) == Decimal(str(right))
        except InvalidOperation:
            return False
    return left == right


def _shown(value) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f").rstrip("0")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --------------------------------------------------------------------------------------------------------------
# Parsing what people type
# --------------------------------------------------------------------------------------------------------------

DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?$")
COMPACT_DATE_PATTERN = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
PERIOD_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:份)?$")
COMPACT_PERIOD_PATTERN = re.compile(r"^(\d{4})(\d{2})$")
YEAR_PATTERN = re.compile(r"^(\d{4})年?(?:底|末|年底|年末)?$")
YEARS_PATTERN = re.compile(r"^(\d{4})年?(?:[-—–~～至到]+(\d{4})年?)?$")


def parse_date(value) -> datetime.date | None:
    """A day typed as 2026-11-21, 2026/11/21, 2026.11.21, 2026年11月21日 or 20261121, or a real Excel date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A date cell Excel lost its format for: days since 1899-12-30.
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = normalize(value)
    match = DATE_PATTERN.match(text) or COMPACT_DATE_PATTERN.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(
        _("“%(value)s” is not a date: write it as 2026-11-21, 2026/11/21 or 2026年11月21日.") % {"value": value}
    )


def parse_period(value) -> str | None:
    """A month typed as 2026-11, 2026/11, 2026年11月 or 202611 (or a date, which Excel makes of 2026-11)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.date):
        return period_of(value)
    text = normalize(value)
    match = PERIOD_PATTERN.match(text) or COMPACT_PERIOD_PATTERN.match(text)
    if match:
        year, month = (int(part) for part in match.groups())
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    try:
        return period_of(parse_date(value))
    except ValueError:
        pass
    raise ValueError(_("“%(value)s” is not a month: write it as 2026-11, 2026/11 or 2026年11月.") % {"value": value})


def parse_deadline(value) -> datetime.date | None:
    """A deadline as a day, or as a month (its last day) or a year (31 December): 2026年6月, 2026年底."""
    try:
        return parse_date(value)
    except ValueError:
        pass
    text = normalize(value)
    year = YEAR_PATTERN.match(text)
    if year:
        return datetime.date(int(year.group(1)), 12, 31)
    try:
        period = parse_period(value)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: write it as 2026-11-21, 2026年11月 or 2026年底.") % {"value": value}
        ) from None
    year, month = int(period[:4]), int(period[5:])
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def parse_years(value) -> tuple[int, int] | None:
    """起止年限 such as 2012—2014 (any dash, 至, ~), 2012年-2014年, or one year."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), int(value)
    match = YEARS_PATTERN.match(normalize(value))
    if not match:
        raise ValueError(_("“%(value)s” is not a span of years: write it as 2012—2014.") % {"value": value})
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise ValueError(_("The last year cannot come before the first year."))
    return first, last


def format_years(start: datetime.date | None, end: datetime.date | None) -> str:
    if start is None or end is None:
        return ""
    return str(start.year) if start.year == end.year else f"{start.year}{YEARS_DASH}{end.year}"


def parse_number(value, places: int | None = None) -> Decimal | None:
    """A number as Excel gives it (1000.0) or as typed (1,000.00, １０００); rounded to ``places`` decimals."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = normalize(value).replace(",", "").removesuffix("%")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    if abs(number) >= NUMBER_CEILING:
        # 1e30 would not even round to whole units (InvalidOperation); no column holds anything near it.
        raise ValueError(_("“%(value)s” is too large a number.") % {"value": value})
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number


# --------------------------------------------------------------------------------------------------------------
# Widgets: one kind of cell each
# --------------------------------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Text as typed, trimmed; a number Excel stored (27.0) comes back as "27".

    ``keep_when_blank``: a blank cell leaves the value as it is (for text the record cannot do without, such as a
    project's name); otherwise a blank cell empties the text."""

    def __init__(self, keep_when_blank: bool = False):
        super().__init__(coerce_to_string=True)
        self.keep_when_blank = keep_when_blank

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None if self.keep_when_blank else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime):
            value = value.date() if value.time() == datetime.time() else value
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)

    def describe(self) -> str:
        return ""


class NumberWidget(widgets.Widget):
    """A number with ``places`` decimals (None: as typed), optionally within ``minimum``…``maximum``."""

    def __init__(self, places: int | None = 2, minimum=None, maximum=None, integer: bool = False):
        super().__init__(coerce_to_string=False)
        self.places = 0 if integer else places
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer

    def clean(self, value, row=None, **kwargs):
        if self.integer and parse_number(value) is not None and parse_number(value) != parse_number(value, 0):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        number = parse_number(value, self.places)
        if number is None:
            return None
        if self.minimum is not None and number < self.minimum:
            raise ValueError(_("Enter a number of at least %(minimum)s.") % {"minimum": self.minimum})
        if self.maximum is not None and number > self.maximum:
            raise ValueError(_("Enter a number of at most %(maximum)s.") % {"maximum": self.maximum})
        return int(number) if self.integer else number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return None
        if self.integer:
            return int(value)
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP) if self.places else number

    def describe(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return _("A number from %(minimum)s to %(maximum)s.") % {"minimum": self.minimum, "maximum": self.maximum}
        if self.minimum is not None:
            return _("A number, at least %(minimum)s.") % {"minimum": self.minimum}
        return _("A number.")


def money_widget() -> NumberWidget:
    return NumberWidget(2, minimum=0, maximum=bounds.MONEY_MAX)


def figure_widget() -> NumberWidget:
    return NumberWidget(4, minimum=-bounds.FIGURE_MAX, maximum=bounds.FIGURE_MAX)


class DateWidget(widgets.Widget):
    """A day: an Excel date, or 2026-11-21, 2026/11/21, 2026年11月21日."""

    parse = staticmethod(parse_date)

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        return self.parse(value)

    def render(self, value, obj=None, **kwargs):
        return value

    def describe(self) -> str:
        return _("A date: an Excel date, or 2026-11-21, 2026/11/21, 2026年11月21日.")


class DeadlineWidget(DateWidget):
    """A deadline: a day, or a month (its last day) or a year (31 December)."""

    parse = staticmethod(parse_deadline)

    def describe(self) -> str:
        return _("A date (2026-11-21), a month (2026年11月: its last day) or a year (2026年底: 31 December).")


class PeriodWidget(widgets.Widget):
    """A month, stored as YYYY-MM."""

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        return parse_period(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""

    def describe(self) -> str:
        return _("A month: 2026-11, 2026/11 or 2026年11月.")


class YesNoWidget(widgets.Widget):
    """是/否 (also yes/no, true/false, 1/0, √/×)."""

    TRUE = frozenset({"是", "yes", "y", "true", "1", "√", "✓", "公开"})
    FALSE = frozenset({"否", "no", "n", "false", "0", "×", "✗", "不公开"})

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        text = normalize(_shown(value)).lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "是" if value else "否"

    def describe(self) -> str:
        return "是、否"


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label, and read as the Chinese label, the English label or the code."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        self.choices = choices
        self._index = None
        self._labels = None

    def index(self) -> dict[str, str]:
        if self._index is None:
            index = {}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    for value, label in self.choices.choices:
                        index.setdefault(normalize(label).lower(), value)
            for value in self.choices.values:
                index[normalize(value).lower()] = value
            self._index = index
        return self._index

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        found = self.index().get(normalize(value).lower())
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": self.describe()}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        if self._labels is None:
            with translation.override("zh-hans"):
                self._labels = {choice: str(label) for choice, label in self.choices.choices}
        return self._labels.get(value, str(value))

    def describe(self) -> str:
        with translation.override("zh-hans"):
            return NAME_SEPARATOR.join(str(label) for label in self.choices.labels)


class LookupWidget(widgets.Widget):
    """A related object by one of its names (``lookup_fields``, in order of precedence), never by id.

    Lookups are loaded once per import: ``prime(values)`` fetches the objects a file names in one query; a value not
    primed is fetched on its own and remembered."""

    def __init__(self, model, lookup_fields=("name",), render_field: str | None = None, select_related=()):
        super().__init__(coerce_to_string=True)
        self.model = model
        self.lookup_fields = tuple(lookup_fields)
        self.render_field = render_field or self.lookup_fields[0]
        self.select_related = tuple(select_related)
        self._by_field = [{} for _field in self.lookup_fields]
        self._looked_up = set()

    def __deepcopy__(self, memo):
        # Each resource gets its own (empty) cache.
        clone = copy.copy(self)
        clone._by_field = [{} for _field in self.lookup_fields]
        clone._looked_up = set()
        return clone

    def prime(self, values):
        wanted = {normalize(value) for value in values if not is_blank(value)} - self._looked_up
        if not wanted:
            return
        raw = {str(value).strip() for value in values if not is_blank(value)}
        condition = Q()
        for field in self.lookup_fields:
            condition |= Q(**{f"{field}__in": wanted | raw})
        for obj in self.model.objects.filter(condition).select_related(*self.select_related):
            self.remember(obj)
        self._looked_up |= wanted

    def remember(self, obj):
        for index, field in enumerate(self.lookup_fields):
            key = normalize(getattr(obj, field))
            if key:
                self._by_field[index].setdefault(key, {})[obj.pk] = obj

    def find(self, value):
        key = normalize(value)
        if key not in self._looked_up:
            self.prime([value])
        for matches in self._by_field:
            found = matches.get(key)
            if found and len(found) == 1:
                return next(iter(found.values()))
            if found:
                raise ValueError(
                    _("More than one %(model)s is called “%(value)s”: use the full name.")
                    % {"model": self.model._meta.verbose_name, "value": value}
                )
        raise ValueError(
            _("There is no %(model)s “%(value)s”.") % {"model": self.model._meta.verbose_name, "value": value}
        )

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        return self.find(_shown(value).strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.render_field))

    def describe(self) -> str:
        names = list(
            self.model.objects.order_by(self.render_field).values_list(self.render_field, flat=True)[: LIST_LIMIT + 1]
        )
        listed = NAME_SEPARATOR.join(str(name) for name in names[:LIST_LIMIT])
        return listed + ("…" if len(names) > LIST_LIMIT else "")


class NamesWidget(widgets.ManyToManyWidget):
    """Several related objects by name, joined by ``separator`` (split on any of ``split``)."""

    def __init__(self, model, lookup_fields=("name",), render_field=None, separator=NAME_SEPARATOR, split=NAME_SPLIT):
        super().__init__(model, separator=separator, field=lookup_fields[0])
        self.lookup = LookupWidget(model, lookup_fields, render_field)
        self.split = split

    def names(self, value) -> list[str]:
        if is_blank(value):
            return []
        return list(dict.fromkeys(part.strip() for part in self.split.split(str(value)) if part.strip()))

    def prime(self, values):
        self.lookup.prime([name for value in values for name in self.names(value)])

    def clean(self, value, row=None, **kwargs):
        found, unknown = [], []
        for name in self.names(value):
            try:
                found.append(self.lookup.find(name))
            except ValueError as error:
                unknown.append(str(error))
        if unknown:
            raise ValueError(" ".join(unknown))
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(self.lookup.render(item) for item in value.all())

    def describe(self) -> str:
        return self.lookup.describe()


# --------------------------------------------------------------------------------------------------------------
# Fields and the base resource
# --------------------------------------------------------------------------------------------------------------

REQUIRED = "required"
REQUIRED_NEW = "new"
OPTIONAL = "optional"
EXPORT_ONLY = "export"


class Field(fields.Field):
    """A column: its Chinese header, widget, kind (for ``common.xlsx.Column``), whether an import needs it
    (``required``: "required", "new" for new rows, "optional"; "export" for columns an import ignores) and a note
    for the template's instructions. A blank cell leaves a value as it is unless ``clears`` (nullable values)."""

    def __init__(
        self,
        attribute=None,
        column_name=None,
        widget=None,
        *,
        kind: str = "text",
        required: str = OPTIONAL,
        note="",
        clears: bool = False,
        **kwargs,
    ):
        self.kind = kind
        self.required = required
        self.note = note
        super().__init__(
            attribute=attribute,
            column_name=column_name,
            widget=widget or TextWidget(),
            readonly=required == EXPORT_ONLY or attribute is None,
            saves_null_values=clears,
            **kwargs,
        )

    def hint(self) -> str:
        """What to enter, for the import page: the note, and the allowed values unless they are a list of names."""
        parts = [str(self.note)] if self.note else []
        if self.required != EXPORT_ONLY and not isinstance(self.widget, LookupWidget | NamesWidget):
            described = self.widget.describe()
            if described:
                parts.append(described)
        return " ".join(parts)

    def requirement_label(self) -> str:
        return {
            REQUIRED: _("Required"),
            REQUIRED_NEW: _("Required for new rows"),
            OPTIONAL: _("Optional"),
            EXPORT_ONLY: _("Ignored on import (filled in by the export)"),
        }[self.required]


UNCOMPARED_FIELDS = frozenset({"id", "created", "last_updated"})
UNDECIDED = object()
COMPARISONS = {
    "exact": lambda value, other: value == other,
    "gt": lambda value, other: value > other,
    "gte": lambda value, other: value >= other,
    "lt": lambda value, other: value < other,
    "lte": lambda value, other: value <= other,
}


def check_in_python(constraint, instance, exclude):
    """Whether ``instance`` passes a check constraint, found without the database: True (also when the condition is
    unknown for a null, as in SQL), False, or ``UNDECIDED`` for what this does not evaluate (other kinds of
    constraint, other lookups, expressions), which the database then checks. A constraint on an excluded field
    passes, as in Django's own validation."""
    if not isinstance(constraint, CheckConstraint):
        return UNDECIDED
    meta = instance._meta

    def value_of(name):
        field = meta.get_field(name)
        if field.name in exclude:
            raise LookupError
        return getattr(instance, field.attname)

    def evaluate(node):
        results = []
        for child in node.children:
            if isinstance(child, Q):
                result = evaluate(child)
            else:
                lookup, expected = child
                name, _sep, operator = lookup.partition("__")
                operator = operator or "exact"
                value = value_of(name)
                if isinstance(expected, F):
                    expected = value_of(expected.name)
                elif hasattr(expected, "resolve_expression"):
                    raise NotImplementedError
                if operator == "isnull":
                    result = (value is None) == bool(expected)
                elif value is None or expected is None:
                    result = None
                elif operator in COMPARISONS:
                    result = COMPARISONS[operator](value, expected)
                elif operator == "regex":
                    result = re.search(expected, str(value)) is not None
                elif operator == "in":
                    result = value in expected
                else:
                    raise NotImplementedError
            results.append(result)
        if node.connector == Q.AND:
            outcome = False if False in results else None if None in results else True
        else:
            outcome = True if True in results else None if None in results else False
        return (None if outcome is None else not outcome) if node.negated else outcome

    try:
        return evaluate(constraint.condition) is not False
    except LookupError:
        return True
    except Exception:  # anything this cannot evaluate: the database decides
        return UNDECIDED


def write_history(entries, user):
    """The history of objects saved without it (``skip_history_when_saving``), written in a few queries: one record
    per object ("+" created, "~" changed) under ``user``, with the many-to-many values as they now are, as
    django-simple-history records them one by one."""
    by_model = defaultdict(lambda: {"+": [], "~": []})
    for instance, kind in entries:
        by_model[type(instance)][kind].append(instance)
    now = timezone.now()
    for model, kinds in by_model.items():
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        records = []
        for kind, objects in kinds.items():
            if objects:
                records += manager.bulk_history_create(
                    objects, update=kind == "~", default_user=user, default_date=now, batch_size=500
                )
        for field in getattr(manager.model, "_history_m2m_fields", []):
            history_model = HistoricalRecords.m2m_models[field]
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            rows = defaultdict(list)
            for row in through.objects.filter(**{f"{source}__in": [record.id for record in records]}):
                rows[getattr(row, source)].append(row)
            attnames = [through_field.attname for through_field in through._meta.fields]
            history_model.objects.bulk_create(
                [
                    history_model(history_id=record.pk, **{name: getattr(row, name) for name in attnames})
                    for record in records
                    for row in rows[record.id]
                ],
                batch_size=500,
            )


class NoDiff:
    """import-export renders an HTML diff of every row; the preview shows its own list of changes instead."""

    def __init__(self, *args, **kwargs):
        pass

    def compare_with(self, *args, **kwargs):
        pass

    def as_html(self):
        return []


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds the existing objects of a whole file in one query (by the resource's natural key), not one per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_instances(dataset)

    def get_instance(self, row):
        key = self.resource.instance_key(row)
        return None if key is None else self.instances.get(key)


def _key_part(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, str):
        return normalize(value)
    return value


class ImportResource(resources.ModelResource):
    """What every resource here shares: Chinese headers, natural keys, changes compared as stored, a permission check
    per row for ``user``, history under ``user``, row numbers as in the file and native export values."""

    #: The address key (/imports/<key>/) and the name shown to people.
    key = ""
    label = ""
    #: A row holding any of these headers is the header row.
    header_markers: tuple[str, ...] = ()
    #: Columns a file must have.
    required_headers: tuple[str, ...] = ()
    #: Rows whose cells under these headers are all blank (or say 小计/合计) are headings or totals, not data.
    row_key_headers: tuple[str, ...] = ()
    #: Other spellings of headers found in the office's tables.
    header_aliases: dict[str, str] = {}
    #: Only users who write for every unit import this (office staff); otherwise the model permission is enough and
    #: each row is checked against the user's unit.
    office_only = True
    #: The column blamed when a row belongs to another unit.
    owner_field = NON_FIELD_ERRORS
    #: The column an error on a model field is shown under when that column is not in the file.
    fallback_columns: dict[str, str] = {}
    #: Rows are saved without their history, which is written for all of them at the end (``write_history``);
    #: resources that save through a service (which records history itself) turn this off.
    deferred_history = True
    #: Relations the export reads (select_related) and prefetches.
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_bulk = False
        clean_model_instances = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True
        instance_loader_class = NaturalKeyLoader

    def __init__(self, *, user=None, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.year = year or timezone.localdate().year
        #: The file's row number of each dataset row (dataset rows are numbered from 1), set by the reader.
        self.file_rows: list[int] | None = None
        self.row_changes: dict[int, list[tuple[str, str, str]]] = {}
        self.duplicates: dict[int, int] = {}
        self.headers: list[str] = []
        self.history_pending: list[tuple[Model, str]] = []
        self.links_pending: dict[str, list[tuple[Model, Model]]] = defaultdict(list)
        self.dry_run = False
        #: What looks wrong but is not refused (shown with the preview and the result).
        self.flags: list[str] = []
        self._serial = 0

    # ----- description -------------------------------------------------------------------------------------------

    @classmethod
    def column_fields(cls) -> list[Field]:
        resource = cls()
        return [resource.fields[name] for name in resource.get_export_order() if name in resource.fields]

    @classmethod
    def all_headers(cls) -> list[str]:
        return [field.column_name for field in cls.column_fields()]

    @classmethod
    def import_headers(cls) -> list[str]:
        return [field.column_name for field in cls.column_fields() if field.required != EXPORT_ONLY]

    @classmethod
    def header_lookup(cls) -> dict[str, str]:
        """Normalized header (or alias) → the resource's header."""
        lookup = {normalize_header(alias): header for alias, header in cls.header_aliases.items()}
        lookup.update({normalize_header(header): header for header in cls.all_headers()})
        return lookup

    @classmethod
    def missing_headers(cls, headers) -> list[str]:
        return [header for header in cls.required_headers if header not in headers]

    @classmethod
    def preamble_columns(cls, preamble: list[str], headers: list[str]) -> dict[str, object]:
        """Columns whose value for every row is given above the header row (in the title, say) rather than in a
        column: {header: value}. ``preamble`` is the text of each row above the header row."""
        return {}

    @classmethod
    def row_is_data(cls, record: dict) -> bool:
        """Whether a row (its cells by header) holds something to import; other rows are passed over."""
        return True

    @classmethod
    def may_import(cls, user) -> bool:
        model = cls._meta.model
        if not (user and user.is_authenticated and user.can("add", model) and user.can("change", model)):
            return False
        return user.sees_all_units or not cls.office_only

    def get_export_columns(self) -> list[Column]:
        """``common.xlsx`` columns matching ``get_export_headers()``."""
        return [Column(field.column_name, field.kind) for field in self.get_export_fields()]

    def template_sample(self) -> dict[str, object]:
        """One example row for the template, by header."""
        return {}

    # ----- reading the file --------------------------------------------------------------------------------------

    def file_row(self, number: int | None) -> int | None:
        """The row number in the file of dataset row ``number``."""
        if number is None or not self.file_rows:
            return number
        return self.file_rows[number - 1] if 0 < number <= len(self.file_rows) else number

    def column_for(self, name: str) -> str:
        """The header an error on ``name`` (a resource field, a model field or NON_FIELD_ERRORS) is shown under."""
        if name == NON_FIELD_ERRORS:
            return ""
        column = ""
        if name in self.fields:
            column = self.fields[name].column_name
        else:
            for field in self.fields.values():
                if field.attribute and field.attribute.split("__")[0] == name:
                    column = field.column_name
                    break
        if column and self.headers and column not in self.headers and column in self.fallback_columns:
            fallback = self.fallback_columns[column]
            column = fallback if fallback in self.headers else column
        if not column:
            try:
                column = str(self._meta.model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                column = name
        return column

    def key_fields(self) -> list[Field]:
        return [self.fields[name] for name in self.get_import_id_fields()]

    def instance_key(self, row) -> tuple | None:
        """The natural key of a row (None when a part is missing or names nothing)."""
        parts = []
        for field in self.key_fields():
            if field.column_name not in row:
                return None
            try:
                value = field.clean(row)
            except (ValueError, ValidationError):
                return None
            if is_blank(value):
                return None
            parts.append(_key_part(value))
        return tuple(parts)

    def key_of(self, obj) -> tuple:
        parts = []
        for field in self.key_fields():
            name = field.attribute
            model_field = self._meta.model._meta.get_field(name)
            parts.append(_key_part(getattr(obj, model_field.attname)))
        return tuple(parts)

    def load_instances(self, dataset) -> dict:
        keys = {key for row in dataset.dict if (key := self.instance_key(row)) is not None}
        if not keys:
            return {}
        queryset = self.get_queryset()
        for index, field in enumerate(self.key_fields()):
            model_field = self._meta.model._meta.get_field(field.attribute)
            values = {key[index] for key in keys}
            if model_field.is_relation:
                queryset = queryset.filter(**{f"{model_field.attname}__in": values})
            elif index == 0 and len(self.key_fields()) == 1:
                raw = {str(row.get(field.column_name) or "").strip() for row in dataset.dict}
                queryset = queryset.filter(**{f"{field.attribute}__in": values | raw})
        return {self.key_of(obj): obj for obj in queryset}

    def _check_import_id_fields(self, headers):
        # The reader has already named the missing columns, in the user's words (``missing_headers``).
        pass

    def get_instance(self, instance_loader, row):
        # import-export gives up when a key column is absent; resources that can match otherwise decide themselves.
        return instance_loader.get_instance(row)

    def get_diff_class(self):
        return NoDiff

    def prime_lookups(self, dataset):
        headers = set(dataset.headers or [])
        for field in self.fields.values():
            if field.column_name in headers and hasattr(field.widget, "prime"):
                field.widget.prime(dataset[field.column_name])

    def before_import(self, dataset, **kwargs):
        self.headers = list(dataset.headers or [])
        self.prime_lookups(dataset)
        seen = {}
        for number, row in enumerate(dataset.dict, start=1):
            key = self.instance_key(row)
            if key is None:
                continue
            if key in seen:
                self.duplicates[number] = seen[key]
            else:
                seen[key] = number

    # ----- one row -----------------------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        new = instance._state.adding
        if not new and self.user is not None and not self.user.can("change", instance):
            raise ValidationError({self.owner_field: [self.permission_message()]})
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # import-export reads many-to-many columns only when saving; read them now, so that their errors are
        # reported with the others (and by a dry run, which saves nothing).
        instance._import_m2m = {}
        for field in self.fields.values():
            if isinstance(field.widget, widgets.ManyToManyWidget) and not field.readonly and field.column_name in row:
                try:
                    instance._import_m2m[field.attribute] = field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
        try:
            self.import_extra(instance, row, new=new, errors=errors, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        number = kwargs.get("row_number")
        if number in self.duplicates:
            message = _("This row repeats row %(row)s: the same record twice.") % {
                "row": self.file_row(self.duplicates[number])
            }
            errors.setdefault(NON_FIELD_ERRORS, []).append(message)
        if not errors and self.user is not None and not self.user.can("add" if new else "change", instance):
            errors[self.owner_field] = [self.permission_message()]
        if errors:
            raise ValidationError(errors)

    def import_extra(self, instance, row, *, new: bool, errors: dict, **kwargs):
        """What a resource does beyond setting fields (derived columns, generated codes)."""

    def permission_message(self) -> str:
        return _("You may only import data of your own unit.")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or instance._state.adding:
            return False
        self.compare(instance, original, row)
        return not instance._import_changes

    def compare(self, instance, original, row):
        """Note on ``instance`` what the row changes: ``_import_changed`` (model fields), ``_import_m2m_changed``
        (many-to-many fields) and ``_import_changes`` ((header, before, after) for the preview)."""
        shown_by_attribute = {}
        for field in self.fields.values():
            if field.attribute and field.required != EXPORT_ONLY:
                shown_by_attribute.setdefault(field.attribute, field)
        changes, changed = [], set()
        for model_field in self._meta.model._meta.concrete_fields:
            if model_field.name in UNCOMPARED_FIELDS:
                continue
            before = getattr(original, model_field.attname)
            after = getattr(instance, model_field.attname)
            if _same(before, after):
                continue
            changed.add(model_field.name)
            field = shown_by_attribute.get(model_field.name)
            if field is not None and not isinstance(field.widget, NumberWidget | DateWidget):
                before, after = field.export(original), field.export(instance)
            changes.append((self.column_for(model_field.name), _shown(before), _shown(after)))
        m2m_changed = set()
        for attribute, wanted in instance._import_m2m.items():
            field = shown_by_attribute[attribute]
            # Not yet saved, so the instance's own (prefetched) values are the current ones; the original is a deep
            # copy, and deep-copied querysets lose their prefetched rows.
            current = list(getattr(instance, attribute).all())
            if sorted(obj.pk for obj in wanted) != sorted(obj.pk for obj in current):
                m2m_changed.add(attribute)
                render = field.widget.lookup.render
                changes.append(
                    (
                        field.column_name,
                        field.widget.separator.join(render(obj) for obj in current),
                        field.widget.separator.join(render(obj) for obj in wanted),
                    )
                )
        changes.extend(self.extra_changes(instance, original, row))
        instance._import_changed = changed
        instance._import_m2m_changed = m2m_changed
        instance._import_changes = changes

    def extra_changes(self, instance, original, row) -> list[tuple[str, str, str]]:
        return []

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, of what changed only (all of a new object); check constraints are evaluated in
        Python where they can be (the database would take three queries for each)."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        changed = getattr(instance, "_import_changed", None)
        if changed is not None:
            exclude |= {field.name for field in self._meta.model._meta.concrete_fields if field.name not in changed}
        # A related object the import found by name exists: Django would query again for each.
        found = {
            field.name
            for field in self._meta.model._meta.concrete_fields
            if field.many_to_one and field.is_cached(instance) and getattr(instance, field.name) is not None
        }
        try:
            instance.clean_fields(exclude=exclude | found)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        exclude |= set(errors)
        if validate_unique:
            unique_exclude = exclude
            if changed is None:
                # The file's rows were looked up by their key: a new row's key is free (repeats within the file are
                # reported on their own).
                unique_exclude = exclude | {self.fields[name].attribute for name in self.get_import_id_fields()}
            try:
                instance.validate_unique(exclude=unique_exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            exclude |= set(errors)
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                try:
                    verdict = check_in_python(constraint, instance, exclude)
                    if verdict is UNDECIDED:
                        constraint.validate(model, instance, exclude=exclude)
                    elif verdict is False:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        if self.deferred_history and not self._is_dry_run(kwargs):
            # Written for all rows at once at the end (``write_history``): one by one it would cost several
            # queries a row.
            instance.skip_history_when_saving = True

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save (with its history under the importing user) — or, in a dry run, only check what saving would."""
        self.before_save_instance(instance, row, **kwargs)
        if self._is_dry_run(kwargs):
            return
        if self.must_save(instance, is_create):
            self.do_instance_save(instance, is_create)
        self.after_save_instance(instance, row, **kwargs)

    def must_save(self, instance, is_create) -> bool:
        """An update that changes only many-to-many values (or derived ones) has nothing of its own to save."""
        return is_create or getattr(instance, "_import_changed", None) != set()

    def do_instance_save(self, instance, is_create):
        changed = getattr(instance, "_import_changed", None)
        if is_create or not changed:
            instance.save(force_insert=is_create)
        else:
            # Only what changed (and the time of the change).
            instance.save(update_fields=[*changed, "last_updated"])

    def save_m2m(self, instance, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        changed = getattr(instance, "_import_m2m_changed", None)
        for attribute, values in getattr(instance, "_import_m2m", {}).items():
            if changed is None and self.deferred_history:
                # A new object has no links yet: they are inserted with the others' at the end (``after_import``),
                # sparing the query per row with which ``add()`` looks for existing ones. (``add()`` would also send
                # ``m2m_changed``, which only the history listens to, and that is written at the end too.)
                self.links_pending[attribute].extend((instance, value) for value in values)
            elif changed is None:
                getattr(instance, attribute).add(*values)
            elif attribute in changed:
                getattr(instance, attribute).set(values)
        if self.deferred_history:
            instance.__dict__.pop("skip_history_when_saving", None)
            if getattr(instance, "_import_changed", None) is None:
                self.history_pending.append((instance, "+"))
            elif instance._import_changed or instance._import_m2m_changed:
                self.history_pending.append((instance, "~"))

    def import_data(self, dataset, dry_run=False, raise_errors=False, *args, **kwargs):
        self.dry_run = dry_run
        if not dry_run:
            return super().import_data(dataset, dry_run, raise_errors, *args, **kwargs)
        # A dry run only reads (``save_instance`` writes nothing), so its rows need no savepoint each: one
        # transaction, rolled back, is enough to keep anything from being written.
        kwargs.pop("use_transactions", None)
        kwargs.pop("rollback_on_validation_errors", None)
        collect_failed_rows = kwargs.pop("collect_failed_rows", False)
        with transaction.atomic(using=self.get_db_connection_name()):
            result = self.import_data_inner(dataset, True, raise_errors, False, collect_failed_rows, **kwargs)
            transaction.set_rollback(True, using=self.get_db_connection_name())
        return result

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.dry_run and not result.has_errors() and not result.has_validation_errors():
            for attribute, pairs in self.links_pending.items():
                field = self._meta.model._meta.get_field(attribute)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                through.objects.bulk_create(
                    [through(**{source: owner.pk, target: value.pk}) for owner, value in pairs], batch_size=500
                )
            write_history(self.history_pending, self.user)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number")
        instance = row_result.instance
        if instance is not None and row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
            self.row_changes[number] = getattr(instance, "_import_changes", [])
        # The preview needs only the numbers and names: let the objects go.
        row_result.instance = None
        row_result.original = None

    # ----- export ------------------------------------------------------------------------------------------------

    def prepare_export_queryset(self, queryset):
        """``queryset`` with the relations ``export_resource`` reads loaded."""
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        return add_prefetches(queryset, *self.export_prefetch_related)

    def get_export_queryset(self):
        return self.get_queryset()

    def export(self, queryset=None, **kwargs):
        self._serial = 0
        if queryset is None:
            queryset = self.get_export_queryset()
        return super().export(self.prepare_export_queryset(queryset), **kwargs)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        if selected_fields:
            with translation.override("zh-hans"):
                return super().export_resource(instance, selected_fields, **kwargs)
        return next(self.export_rows([instance], restart=False))

    def export_rows(self, objects, *, restart: bool = True):
        """The values of each of ``objects`` (a queryset from ``prepare_export_queryset``, or its ``iterator()``),
        in the order of ``get_export_headers()``; 序号 counts from 1 (``restart=False``: goes on counting).

        Objects are taken a batch at a time, and ``load_export_batch`` fetches what a batch's rows show from their
        related tables in a few queries. Each field's way of rendering is looked up once, not per cell."""
        if restart:
            self._serial = 0
        getters = [self.export_getter(field) for field in self.get_export_fields()]
        objects = iter(objects)
        while batch := list(itertools.islice(objects, EXPORT_BATCH)):
            self.load_export_batch(batch)
            with translation.override("zh-hans"):
                rows = [[getter(obj) for getter in getters] for obj in batch]
            yield from rows

    def export_getter(self, field):
        """The function giving ``field``'s export value of an object: its ``dehydrate_…`` method, or the value of
        its attribute rendered by its widget (as import-export's ``export_field``)."""
        method = field.get_dehydrate_method(self.get_field_name(field))
        method = method if callable(method) else getattr(self, method, None)
        if method is not None:
            return method
        return lambda obj: field.widget.render(field.get_value(obj))

    def load_export_batch(self, objects: list) -> None:
        """Fetch what the rows of ``objects`` show beyond their own columns and ``prepare_export_queryset``'s
        relations, and set it on them (the export's ``dehydrate_…`` methods read it)."""

    def dehydrate_serial(self, obj):
        self._serial += 1
        return self._serial


def add_prefetches(queryset, *lookups):
    """``queryset.prefetch_related(*lookups)`` but for lookups it already prefetches (a second, different prefetch of
    the same relation would be an error)."""

    def target(lookup):
        return lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup

    present = {target(lookup) for lookup in queryset._prefetch_related_lookups}
    wanted = [lookup for lookup in lookups if target(lookup) not in present]
    return queryset.prefetch_related(*wanted) if wanted else queryset


def serial_field():
    return Field(column_name="序号", kind="integer", required=EXPORT_ONLY)


def _prefetched(obj, name: str):
    """The prefetched rows of ``obj.<name>``, or None when they were not prefetched."""
    cache = getattr(obj, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def project_lookup():
    return LookupWidget(Project, ("code",), "code")


def unit_lookup():
    return LookupWidget(Organization, ("name", "short_name"), "name")


# --------------------------------------------------------------------------------------------------------------
# Projects (重大项目计划表)
# --------------------------------------------------------------------------------------------------------------

# A month named in a table's title (2026年5月, not followed by a day) or labelled (报告期：2026-05).
PERIOD_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
PERIOD_LABELLED = re.compile(r"报告期[:：]([0-9年月/.\-]+)")
REPORT_CONTENT = ("形象进度（%）", "本期完成投资（万元）", "本期进展", "存在问题", "下步计划")
CODE_PATTERN = re.compile(r"^(?P<prefix>.*[A-Za-z][^-]*)-(?P<number>\d+)$")


class ProjectResource(ImportResource):
    """Projects as in the 重大项目计划表, keyed by 项目编号 (a blank one in a new row gets the next free code).

    Export reads ``domain``, ``lead_org`` (select_related) and the ``with_figures()`` annotations ``progress``,
    ``planned_progress`` and ``health`` (queried per row when absent); ``prepare_export_queryset`` adds the relations
    (it does not annotate). The year's planned funding, the milestones planned in the year and the plans are loaded
    a batch at a time by ``load_export_batch``.

    Import: 当前进度（%） that differs from the project's computed progress by more than 0.05 files an approved report
    for the current month under the importing user; 起止年限 sets the planned dates when 计划开始/计划完成 are not
    given; without a 项目编号 column rows are matched by 项目名称.
    """

    key = "projects"
    label = gettext_lazy("Projects (major project plan table)")
    header_markers = ("项目名称", "项目编号")
    row_key_headers = ("项目编号", "项目名称")
    header_aliases = {
        "项目编码": "项目编号",
        "编号": "项目编号",
        "所属领域": "领域",
        "主要建设内容": "建设内容",
        "建设内容及规模": "建设内容",
        "牵头部门": "牵头单位",
        "责任单位": "牵头单位",
        "类别": "层级",
        "项目类别": "层级",
        "投资运营模式": "投资模式",
        "总投资": "总投资（万元）",
        "年度投资计划（万元）": "年度计划投资（万元）",
        "建设年限": "起止年限",
        "建设起止年限": "起止年限",
        "形象进度（%）": "当前进度（%）",
        "当前进度": "当前进度（%）",
        "项目状态": "状态",
    }
    fallback_columns = {"计划开始": "起止年限", "计划完成": "起止年限"}
    owner_field = "lead_org"

    serial = serial_field()
    code = Field(
        "code",
        "项目编号",
        TextWidget(),
        note=gettext_lazy(
            "The key: a row with an existing code updates that project. Leave blank for a new project "
            "to get the next free code."
        ),
    )
    domain = Field("domain", "领域", LookupWidget(Domain, ("name", "code")), required=REQUIRED_NEW)
    name = Field("name", "项目名称", TextWidget(keep_when_blank=True), required=REQUIRED_NEW)
    description = Field("description", "建设内容", TextWidget(), kind="long")
    lead_org = Field(
        "lead_org",
        "牵头单位",
        unit_lookup(),
        required=REQUIRED_NEW,
        note=gettext_lazy("The unit's full name or short name."),
    )
    tier = Field("tier", "层级", ChoiceWidget(ProjectTier))
    investment_model = Field("investment_model", "投资模式", ChoiceWidget(InvestmentModel))
    total_investment = Field("total_investment", "总投资（万元）", money_widget(), kind="money")
    annual_planned = Field(
        column_name="年度计划投资（万元）",
        kind="money",
        required=EXPORT_ONLY,
        note=gettext_lazy("The year's planned funding, from the project's funding."),
    )
    annual_target = Field(
        column_name="年度目标",
        kind="long",
        required=EXPORT_ONLY,
        note=gettext_lazy("The milestones planned in the year."),
    )
    years = Field(
        column_name="起止年限",
        note=gettext_lazy(
            "For example 2012—2014. Used when 计划开始 or 计划完成 is blank: a project whose years do not "
            "change keeps its dates, otherwise 1 January of the first year and 31 December of the last."
        ),
    )
    planned_start = Field(
        "planned_start",
        "计划开始",
        DateWidget(),
        kind="date",
        required=REQUIRED_NEW,
        note=gettext_lazy("Or give 起止年限."),
    )
    planned_end = Field(
        "planned_end",
        "计划完成",
        DateWidget(),
        kind="date",
        required=REQUIRED_NEW,
        note=gettext_lazy("Or give 起止年限."),
    )
    progress = Field(
        "progress",
        "当前进度（%）",
        NumberWidget(1, minimum=0, maximum=100),
        kind="percent",
        note=gettext_lazy("A different figure files an approved progress report for this month."),
    )
    planned_progress = Field(column_name="计划进度（%）", kind="percent", required=EXPORT_ONLY)
    health = Field(column_name="健康状态", required=EXPORT_ONLY)
    status = Field("status", "状态", ChoiceWidget(ProjectStatus))
    plans = Field(
        "plans",
        "所属规划",
        NamesWidget(Plan, ("title",), "title", separator=PLAN_SEPARATOR, split=PLAN_SPLIT),
        note=gettext_lazy("Plan titles separated by ；"),
    )
    is_published = Field("is_published", "是否公开", YesNoWidget())

    class Meta:
        model = Project
        import_id_fields = ("code",)
        fields = (
            "serial",
            "code",
            "domain",
            "name",
            "description",
            "lead_org",
            "tier",
            "investment_model",
            "total_investment",
            "annual_planned",
            "annual_target",
            "years",
            "planned_start",
            "planned_end",
            "progress",
            "planned_progress",
            "health",
            "status",
            "plans",
            "is_published",
        )

    export_select_related = ("domain", "lead_org")

    @classmethod
    def missing_headers(cls, headers) -> list[str]:
        return [] if {"项目编号", "项目名称"} & set(headers) else ["项目名称"]

    def get_queryset(self):
        # Light instances: each row's is deep-copied. Related objects are read only for a changed value's display.
        return Project.objects.with_figures().prefetch_related("plans")

    # ----- matching rows: by code, or by name when the file has no code column -----------------------------------

    def by_name(self) -> bool:
        return "项目编号" not in self.headers

    def instance_key(self, row):
        if "项目编号" in row:
            return super().instance_key(row)
        name = row.get("项目名称")
        return None if is_blank(name) else ("name", normalize(name))

    def load_instances(self, dataset):
        if "项目编号" in (dataset.headers or []):
            return super().load_instances(dataset)
        names = {str(name).strip() for name in dataset["项目名称"] if not is_blank(name)} if dataset.dict else set()
        found, self.ambiguous_names = {}, set()
        for project in self.get_queryset().filter(name__in=names):
            key = ("name", normalize(project.name))
            if key in found:
                self.ambiguous_names.add(key)
            found[key] = project
        return {key: project for key, project in found.items() if key not in self.ambiguous_names}

    # ----- codes -------------------------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.ambiguous_names = getattr(self, "ambiguous_names", set())
        self._codes = None
        self._month_reports = None
        self.investments = {}
        self._file_codes = (
            {str(code).strip() for code in dataset["项目编号"] if not is_blank(code)}
            if "项目编号" in (dataset.headers or []) and dataset.dict
            else set()
        )

    def _load_codes(self):
        """Every code in use, the highest number per prefix, and which prefixes each plan and tier use."""
        self._codes = set(self._file_codes)
        self._prefix_numbers: dict[str, tuple[int, int]] = {}
        self._prefix_counts: dict[tuple, Counter] = defaultdict(Counter)
        seen = set()
        for code, tier, plan_id in Project.objects.values_list("code", "tier", "plans").order_by("code"):
            self._codes.add(code)
            match = CODE_PATTERN.match(code)
            if not match:
                continue
            prefix = match["prefix"]
            if plan_id is not None:
                self._prefix_counts["plan-tier", plan_id, tier][prefix] += 1
                self._prefix_counts["plan", plan_id][prefix] += 1
            if code not in seen:
                seen.add(code)
                self._prefix_counts["tier", tier][prefix] += 1
                self._prefix_counts["all",][prefix] += 1
        for code in self._codes:
            match = CODE_PATTERN.match(code)
            if match:
                number, width = self._prefix_numbers.get(match["prefix"], (0, 2))
                self._prefix_numbers[match["prefix"]] = (
                    max(number, int(match["number"])),
                    max(width, len(match["number"])),
                )

    def next_code(self, instance, plans) -> str:
        """The next free code in the pattern the portfolio uses (NB2012-KEY-10 after NB2012-KEY-09): the prefix most
        used by projects of the same plan and tier, else of the same plan, of the same tier, of all projects."""
        if self._codes is None:
            self._load_codes()
        candidates = [("plan-tier", plan.pk, instance.tier) for plan in plans]
        candidates += [("plan", plan.pk) for plan in plans]
        candidates += [("tier", instance.tier), ("all",)]
        prefix = None
        for candidate in candidates:
            counts = self._prefix_counts.get(candidate)
            if counts:
                prefix = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
                break
        if prefix is None:
            year = instance.planned_start.year if instance.planned_start else timezone.localdate().year
            prefix = f"XM{year}"
        number, width = self._prefix_numbers.get(prefix, (0, 2))
        while True:
            number += 1
            code = f"{prefix}-{number:0{width}d}"
            if code not in self._codes:
                break
        self._codes.add(code)
        self._prefix_numbers[prefix] = (number, width)
        return code

    # ----- a row -------------------------------------------------------------------------------------------------

    def import_extra(self, instance, row, *, new, errors, **kwargs):
        extra = {}
        self._apply_years(instance, row, new, extra)
        if new and self.by_name() and self.instance_key(row) in self.ambiguous_names:
            extra.setdefault("name", []).append(
                _("More than one project is called “%(name)s”: add a 项目编号 column.") % {"name": row.get("项目名称")}
            )
        if new and not instance.code and "name" not in errors:
            if is_blank(instance.name):
                extra.setdefault("name", []).append(_("A new project needs a name."))
            elif "plans" not in errors:
                instance.code = self.next_code(instance, instance._import_m2m.get("plans", []))
        self._check_progress(instance, row, new, errors, extra)
        if extra:
            raise ValidationError(extra)

    def _apply_years(self, instance, row, new, errors):
        if "起止年限" not in row:
            return
        try:
            years = parse_years(row["起止年限"])
        except ValueError as error:
            errors.setdefault("years", []).append(str(error))
            return
        if years is None:
            return
        first, last = years
        if is_blank(row.get("计划开始")) and (
            new or instance.planned_start is None or instance.planned_start.year != first
        ):
            instance.planned_start = datetime.date(first, 1, 1)
        if is_blank(row.get("计划完成")) and (new or instance.planned_end is None or instance.planned_end.year != last):
            instance.planned_end = datetime.date(last, 12, 31)

    def import_instance(self, instance, row, **kwargs):
        # The computed progress, before the file's figure replaces the attribute.
        instance._current_progress = 0.0 if instance._state.adding else float(self._figures(instance)["progress"] or 0)
        super().import_instance(instance, row, **kwargs)
        self.investments[instance.code] = (instance.pk, instance.parent_id, instance.total_investment)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Flagged, not refused: rows arrive one by one, and the office may be correcting the parent in another file.
        self.flags = phase_investment_flags(self.investments)

    def _check_progress(self, instance, row, new, errors, extra):
        """Keep the progress only when it differs from the computed one by more than 0.05."""
        instance._new_progress = None
        if "当前进度（%）" not in row or "progress" in errors:
            return
        current = instance._current_progress
        wanted = getattr(instance, "progress", None)
        if wanted is None or abs(float(wanted) - current) <= 0.05:
            instance.progress = current
            return
        if instance.status in ProjectStatus.finished() and float(wanted) != 100:
            extra.setdefault("progress", []).append(_("A completed or accepted project stands at 100%."))
            return
        instance._new_progress = Decimal(wanted)
        instance._old_progress = current

    def extra_changes(self, instance, original, row):
        if getattr(instance, "_new_progress", None) is None:
            return []
        return [("当前进度（%）", _shown(round(instance._old_progress, 1)), _shown(instance._new_progress))]

    def do_instance_save(self, instance, is_create):
        # Saved as the form and the API save a project; the plans follow with the other rows' (``save_m2m``).
        from .services import project_save

        changed = () if is_create else getattr(instance, "_import_changed", None) or ()
        data = {name: getattr(instance, name) for name in changed}
        project_save(actor=self.user, project=instance, data=data, only_data=bool(data))

    def after_save_instance(self, instance, row, **kwargs):
        if getattr(instance, "_new_progress", None) is not None:
            self.record_progress(instance, instance._new_progress)

    def record_progress(self, project, progress: Decimal):
        """The office's figure becomes this month's approved report (a new one, or this month's, revised)."""
        from .services import record_report_event

        period = period_of(timezone.localdate())
        now = timezone.now()
        if self._month_reports is None:
            self._month_reports = {report.project_id: report for report in ProgressReport.objects.filter(period=period)}
        report = self._month_reports.get(project.pk)
        kind = "~" if report else "+"
        from_status = report.status if report else ""
        if report is None:
            report = ProgressReport(project=project, period=period, investment_completed=0)
        report.progress = progress
        report.summary = report.summary or IMPORTED_PROGRESS_SUMMARY
        report.status = ReportStatus.APPROVED
        report.submitted_by = report.reviewer = self.user
        report.submitted_at = report.reviewed_at = now
        report.review_comment = ""
        # The constraints repeat the fields' own checks; the project and the user are the ones at hand.
        report.full_clean(exclude={"project", "submitted_by", "reviewer"}, validate_constraints=False)
        report._history_user = self.user
        report.skip_history_when_saving = True
        report.save()
        del report.skip_history_when_saving
        self.history_pending.append((report, kind))
        record_report_event(report=report, actor=self.user, from_status=from_status, note=IMPORTED_PROGRESS_SUMMARY)

    # ----- export ------------------------------------------------------------------------------------------------

    def _figures(self, obj) -> dict:
        if hasattr(obj, "health") and hasattr(obj, "planned_progress"):
            return {"progress": obj.progress, "planned_progress": obj.planned_progress, "health": obj.health}
        if obj.pk is None:
            return {"progress": 0.0, "planned_progress": None, "health": None}
        figures = getattr(obj, "_export_figures", None)
        if figures is None:
            figures = Project.objects.with_figures().values("progress", "planned_progress", "health").get(pk=obj.pk)
            obj._export_figures = figures
        return figures

    def dehydrate_progress(self, obj):
        value = self._figures(obj)["progress"]
        return None if value is None else round(Decimal(str(value)), 1)

    def dehydrate_planned_progress(self, obj):
        value = self._figures(obj)["planned_progress"]
        return None if value is None else round(Decimal(str(value)), 1)

    def dehydrate_health(self, obj):
        value = self._figures(obj)["health"]
        with translation.override("zh-hans"):
            return str(Health(value).label) if value else ""

    def dehydrate_years(self, obj):
        return format_years(obj.planned_start, obj.planned_end)

    def load_export_batch(self, objects):
        """Each project's planned funding for the year (summed by the database), its milestones planned in the year
        and its plans' titles, in three queries for the batch."""
        ids = [project.pk for project in objects]
        planned = dict(
            Funding.objects.filter(project__in=ids, year=self.year)
            .order_by()
            .values("project")
            .annotate(total=money_sum("planned"))
            .values_list("project", "total")
        )
        milestones = defaultdict(list)
        for project_id, name in (
            Milestone.objects.filter(project__in=ids, planned_date__year=self.year)
            .order_by("planned_date", "pk")
            .values_list("project", "name")
        ):
            milestones[project_id].append(name)
        plans = defaultdict(list)
        for project_id, title in Plan.objects.filter(projects__in=ids).values_list("projects", "title"):
            plans[project_id].append(title)
        for project in objects:
            project.export_annual_planned = planned.get(project.pk) or Decimal("0.00")
            project.export_annual_target = PLAN_SEPARATOR.join(milestones[project.pk])
            project.export_plan_titles = PLAN_SEPARATOR.join(plans[project.pk])

    def dehydrate_annual_planned(self, obj):
        return obj.export_annual_planned

    def dehydrate_annual_target(self, obj):
        return obj.export_annual_target

    def dehydrate_plans(self, obj):
        return obj.export_plan_titles

    def template_sample(self):
        domain = Domain.objects.order_by("group", "code").first()
        unit = Organization.objects.order_by("name").first()
        plan = Plan.objects.first()
        year = timezone.localdate().year
        with translation.override("zh-hans"):
            return {
                "项目编号": "",
                "领域": domain.name if domain else "智慧水务",
                "项目名称": "智慧水务二期工程",
                "建设内容": "建设供水管网监测和调度平台。",
                "牵头单位": unit.name if unit else "市水利局",
                "层级": str(ProjectTier.KEY.label),
                "投资模式": str(InvestmentModel.GOVERNMENT.label),
                "总投资（万元）": Decimal("1200.00"),
                "起止年限": f"{year}{YEARS_DASH}{year + 1}",
                "计划开始": datetime.date(year, 1, 1),
                "计划完成": datetime.date(year + 1, 12, 31),
                "当前进度（%）": Decimal("0.0"),
                "状态": str(ProjectStatus.PLANNED.label),
                "所属规划": plan.title if plan else "",
                "是否公开": "否",
            }


# --------------------------------------------------------------------------------------------------------------
# Milestones, funding, progress reports
# --------------------------------------------------------------------------------------------------------------


def _project_name(obj) -> str:
    return obj.project.name if obj.project_id else ""


def _project_lead(obj) -> str:
    return obj.project.lead_org.name if obj.project_id else ""


class MilestoneResource(ImportResource):
    """Milestones (节点), keyed by 项目编号 + 节点名称. Export reads ``project`` and ``project__lead_org``."""

    key = "milestones"
    label = gettext_lazy("Milestones")
    header_markers = ("节点名称",)
    required_headers = ("项目编号", "节点名称")
    row_key_headers = ("项目编号", "节点名称")
    header_aliases = {"节点": "节点名称", "计划日期": "计划完成日期", "实际日期": "实际完成日期", "权重（%）": "权重"}
    owner_field = "project"
    export_select_related = ("project__lead_org",)

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    lead_unit = Field(column_name="牵头单位", required=EXPORT_ONLY)
    name = Field("name", "节点名称", TextWidget(keep_when_blank=True), required=REQUIRED)
    weight = Field("weight", "权重", NumberWidget(minimum=1, maximum=100, integer=True), kind="integer")
    planned_date = Field("planned_date", "计划完成日期", DateWidget(), kind="date", required=REQUIRED_NEW)
    actual_date = Field("actual_date", "实际完成日期", DateWidget(), kind="date", clears=True)
    note = Field("note", "备注", TextWidget())

    class Meta:
        model = Milestone
        import_id_fields = ("project", "name")
        fields = (
            "serial",
            "project",
            "project_name",
            "lead_unit",
            "name",
            "weight",
            "planned_date",
            "actual_date",
            "note",
        )

    def get_queryset(self):
        return Milestone.objects.select_related("project")

    dehydrate_project_name = staticmethod(_project_name)
    dehydrate_lead_unit = staticmethod(_project_lead)

    def template_sample(self):
        project = Project.objects.order_by("code").first()
        year = timezone.localdate().year
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "节点名称": "专家评审",
            "权重": 10,
            "计划完成日期": datetime.date(year, 6, 30),
            "实际完成日期": None,
            "备注": "",
        }


class FundingResource(ImportResource):
    """A project's money by source and year, keyed by 项目编号 + 资金来源 + 年度. Export reads ``project`` and
    ``source``."""

    key = "fundings"
    label = gettext_lazy("Funding")
    header_markers = ("资金来源",)
    required_headers = ("项目编号", "资金来源", "年度")
    row_key_headers = ("项目编号", "资金来源")
    header_aliases = {
        "年份": "年度",
        "计划（万元）": "计划资金（万元）",
        "下达（万元）": "下达资金（万元）",
        "到位（万元）": "到位资金（万元）",
    }
    owner_field = "project"
    export_select_related = ("project", "source")

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    source = Field("source", "资金来源", LookupWidget(FundingSource, ("name", "code")), required=REQUIRED)
    year = Field(
        "year", "年度", NumberWidget(minimum=2000, maximum=2100, integer=True), kind="integer", required=REQUIRED
    )
    planned = Field("planned", "计划资金（万元）", money_widget(), kind="money")
    allocated = Field("allocated", "下达资金（万元）", money_widget(), kind="money")
    disbursed = Field("disbursed", "到位资金（万元）", money_widget(), kind="money")

    class Meta:
        model = Funding
        import_id_fields = ("project", "source", "year")
        fields = ("serial", "project", "project_name", "source", "year", "planned", "allocated", "disbursed")

    def get_queryset(self):
        return Funding.objects.select_related("project", "source")

    dehydrate_project_name = staticmethod(_project_name)

    def template_sample(self):
        project = Project.objects.order_by("code").first()
        source = FundingSource.objects.first()
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "资金来源": source.name if source else "市智慧城市专项资金",
            "年度": timezone.localdate().year,
            "计划资金（万元）": Decimal("500.00"),
            "下达资金（万元）": Decimal("0.00"),
            "到位资金（万元）": Decimal("0.00"),
        }


class ProgressReportResource(ImportResource):
    """Monthly progress reports (进度月报), keyed by 项目编号 + 报告期. Rows are filed through
    ``services.progress_report_submit``, the rules of the reporting page: submitted by the importing user, for a
    project of their own unit (office staff: any), and an approved report cannot be changed. Export reads
    ``project`` and ``project__lead_org``."""

    key = "reports"
    label = gettext_lazy("Progress reports")
    header_markers = ("报告期",)
    required_headers = ("项目编号", "报告期")
    row_key_headers = ("项目编号", "报告期")
    header_aliases = {
        "填报月份": "报告期",
        "月份": "报告期",
        "报送状态": "状态",
        "进度（%）": "形象进度（%）",
        "投资完成额（万元）": "本期完成投资（万元）",
        "下一步计划": "下步计划",
    }
    office_only = False
    owner_field = "project"
    deferred_history = False
    export_select_related = ("project__lead_org",)

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    lead_unit = Field(column_name="牵头单位", required=EXPORT_ONLY)
    period = Field("period", "报告期", PeriodWidget(), required=REQUIRED)
    progress = Field(
        "progress", "形象进度（%）", NumberWidget(1, minimum=0, maximum=100), kind="percent", required=REQUIRED_NEW
    )
    investment_completed = Field("investment_completed", "本期完成投资（万元）", money_widget(), kind="money")
    summary = Field("summary", "本期进展", TextWidget(keep_when_blank=True), kind="long", required=REQUIRED_NEW)
    problems = Field("problems", "存在问题", TextWidget(), kind="long")
    next_steps = Field("next_steps", "下步计划", TextWidget(), kind="long")
    decline_reason = Field("decline_reason", "进度回调原因", TextWidget(), kind="long")
    status = Field("status", "状态", ChoiceWidget(ReportStatus), required=EXPORT_ONLY)

    class Meta:
        model = ProgressReport
        import_id_fields = ("project", "period")
        fields = (
            "serial",
            "project",
            "project_name",
            "lead_unit",
            "period",
            "progress",
            "investment_completed",
            "summary",
            "problems",
            "next_steps",
            "decline_reason",
            "status",
        )

    def get_queryset(self):
        return ProgressReport.objects.select_related("project__lead_org")

    dehydrate_project_name = staticmethod(_project_name)
    dehydrate_lead_unit = staticmethod(_project_lead)

    @classmethod
    def preamble_columns(cls, preamble, headers):
        """The office's 进度月报 names its month in the title (…进度月报（2026年5月）) rather than in a column."""
        if "报告期" in headers:
            return {}
        for text in preamble:
            labelled = PERIOD_LABELLED.search(normalize(text))
            if labelled:
                try:
                    return {"报告期": parse_period(labelled.group(1))}
                except ValueError:
                    pass
            month = PERIOD_IN_TEXT.search(normalize(text))
            if month and 1 <= int(month.group(2)) <= 12:
                return {"报告期": f"{int(month.group(1)):04d}-{int(month.group(2)):02d}"}
        return {}

    @classmethod
    def row_is_data(cls, record):
        """A project listed without any report (未报送 in the office's table) is not a report."""
        present = [header for header in REPORT_CONTENT if header in record]
        return not present or any(not is_blank(record[header]) for header in present)

    def permission_message(self):
        return _("You may only report on projects led by your own unit.")

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # The reporting page's rule, checked here too so that a dry run reports it.
        if not instance._state.adding and instance.status == ReportStatus.APPROVED:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This report has been approved and can no longer be changed.")]}
            )
        from .services import check_report_rules

        check_report_rules(instance)

    def do_instance_save(self, instance, is_create):
        from common.exceptions import ActionForbidden, WorkflowError

        from .services import progress_report_submit

        fields = ("project", "period", "progress", "investment_completed", "summary", "problems", "next_steps")
        data = {name: getattr(instance, name) for name in (*fields, "decline_reason")}
        try:
            saved = progress_report_submit(actor=self.user, data=data, report=None if is_create else instance)
        except (WorkflowError, ActionForbidden) as error:
            raise ValidationError({NON_FIELD_ERRORS: [str(error.message)]}) from error
        instance.pk = saved.pk
        instance._state.adding = False

    def template_sample(self):
        project = Project.objects.reporting().order_by("code").first() or Project.objects.order_by("code").first()
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "报告期": period_of(timezone.localdate()),
            "形象进度（%）": Decimal("45.0"),
            "本期完成投资（万元）": Decimal("120.00"),
            "本期进展": "完成招投标，签订建设合同。",
            "存在问题": "",
            "下步计划": "开工建设。",
        }


# --------------------------------------------------------------------------------------------------------------
# Targets (目标责任分解表) and their values
# --------------------------------------------------------------------------------------------------------------


class IndicatorResource(ImportResource):
    """Targets as in the 目标责任分解表, keyed by 所属规划 + 指标. Export reads ``plan``, ``responsible_org``
    (select_related), ``cooperating_orgs`` (prefetched) and the ``with_attainment()`` annotations ``latest_value``
    and ``attainment`` (queried per row when absent)."""

    key = "indicators"
    label = gettext_lazy("Targets (target responsibility breakdown)")
    header_markers = ("指标",)
    required_headers = ("指标", "所属规划")
    row_key_headers = ("指标",)
    header_aliases = {
        "目标": "目标任务",
        "指标名称": "指标",
        "计量单位": "单位",
        "目标值（预期）": "目标值",
        "完成率（%）": "完成率",
        "基期值": "基线",
        "牵头单位": "责任单位",
        "协办单位": "配合单位",
        "完成时间": "完成时限",
        "规划": "所属规划",
    }
    owner_field = "responsible_org"
    export_select_related = ("plan", "responsible_org")
    export_prefetch_related = ("cooperating_orgs",)

    serial = serial_field()
    goal = Field("goal", "目标任务", TextWidget(), kind="long")
    name = Field("name", "指标", TextWidget(keep_when_blank=True), required=REQUIRED)
    unit = Field("unit", "单位", TextWidget(), note=gettext_lazy("The unit of measure, such as 万户 or 家."))
    target = Field("target", "目标值", figure_widget(), kind="number", required=REQUIRED_NEW)
    baseline = Field("baseline", "基线", figure_widget(), kind="number", clears=True)
    latest_value = Field(column_name="当前值", kind="number", required=EXPORT_ONLY)
    attainment = Field(column_name="完成率", kind="percent", required=EXPORT_ONLY)
    responsible_org = Field("responsible_org", "责任单位", unit_lookup(), required=REQUIRED_NEW)
    cooperating_orgs = Field(
        "cooperating_orgs",
        "配合单位",
        NamesWidget(Organization, ("name", "short_name"), "name"),
        note=gettext_lazy("Units separated by 、"),
    )
    deadline = Field("deadline", "完成时限", DeadlineWidget(), kind="date", clears=True)
    plan = Field("plan", "所属规划", LookupWidget(Plan, ("title",)), required=REQUIRED)

    class Meta:
        model = Indicator
        import_id_fields = ("plan", "name")
        fields = (
            "serial",
            "goal",
            "name",
            "unit",
            "target",
            "baseline",
            "latest_value",
            "attainment",
            "responsible_org",
            "cooperating_orgs",
            "deadline",
            "plan",
        )

    def get_queryset(self):
        return Indicator.objects.select_related("plan", "responsible_org").prefetch_related("cooperating_orgs")

    def get_export_queryset(self):
        return Indicator.objects.with_attainment()

    def _attainment(self, obj) -> dict:
        if hasattr(obj, "attainment") and hasattr(obj, "latest_value"):
            return {"latest_value": obj.latest_value, "attainment": obj.attainment}
        if obj.pk is None:
            return {"latest_value": None, "attainment": None}
        figures = getattr(obj, "_export_figures", None)
        if figures is None:
            figures = Indicator.objects.with_attainment().values("latest_value", "attainment").get(pk=obj.pk)
            obj._export_figures = figures
        return figures

    def dehydrate_latest_value(self, obj):
        value = self._attainment(obj)["latest_value"]
        return None if value is None else Decimal(str(value)).normalize()

    def dehydrate_attainment(self, obj):
        value = self._attainment(obj)["attainment"]
        return None if value is None else round(Decimal(str(value)), 1)

    def template_sample(self):
        plan = Plan.objects.first()
        unit = Organization.objects.order_by("name").first()
        return {
            "目标任务": "加快信息基础设施建设",
            "指标": "光纤宽带覆盖",
            "单位": "万户",
            "目标值": Decimal("150"),
            "基线": Decimal("120"),
            "责任单位": unit.name if unit else "市经信委",
            "配合单位": "",
            "完成时限": datetime.date(timezone.localdate().year, 12, 31),
            "所属规划": plan.title if plan else "",
        }


class IndicatorWidget(LookupWidget):
    """An indicator by its name (指标) within the plan named in the same row (所属规划)."""

    def __init__(self):
        super().__init__(Indicator, ("name",), "name", select_related=("plan",))

    def remember(self, obj):
        self._by_field[0].setdefault((normalize(obj.plan.title), normalize(obj.name)), {})[obj.pk] = obj

    def prime(self, values):
        wanted = {normalize(value) for value in values if not is_blank(value)} - self._looked_up
        if not wanted:
            return
        raw = {str(value).strip() for value in values if not is_blank(value)}
        for obj in Indicator.objects.filter(name__in=wanted | raw).select_related("plan"):
            self.remember(obj)
        self._looked_up |= wanted

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        plan = (row or {}).get("所属规划")
        if is_blank(plan):
            raise ValueError(_("Name the plan (所属规划) the indicator belongs to."))
        if normalize(value) not in self._looked_up:
            self.prime([value])
        found = self._by_field[0].get((normalize(plan), normalize(value)))
        if not found:
            raise ValueError(_("The plan “%(plan)s” has no indicator “%(name)s”.") % {"plan": plan, "name": value})
        return next(iter(found.values()))


class IndicatorValueResource(ImportResource):
    """Actual values of targets by month, keyed by 所属规划 + 指标 + 报告期. Export reads ``indicator__plan``."""

    key = "indicator-values"
    label = gettext_lazy("Target values")
    header_markers = ("实际值",)
    required_headers = ("所属规划", "指标", "报告期", "实际值")
    row_key_headers = ("指标", "报告期")
    header_aliases = {"指标名称": "指标", "月份": "报告期", "当前值": "实际值", "数值": "实际值", "规划": "所属规划"}
    owner_field = "indicator"
    export_select_related = ("indicator__plan",)

    serial = serial_field()
    plan = Field(column_name="所属规划", required=REQUIRED, note=gettext_lazy("The plan the indicator belongs to."))
    indicator = Field("indicator", "指标", IndicatorWidget(), required=REQUIRED)
    period = Field("period", "报告期", PeriodWidget(), required=REQUIRED)
    value = Field("value", "实际值", figure_widget(), kind="number", required=REQUIRED_NEW)
    note = Field("note", "备注", TextWidget())

    class Meta:
        model = IndicatorValue
        import_id_fields = ("indicator", "period")
        fields = ("serial", "plan", "indicator", "period", "value", "note")

    def get_queryset(self):
        return IndicatorValue.objects.select_related("indicator__plan")

    def dehydrate_plan(self, obj):
        return obj.indicator.plan.title if obj.indicator_id else ""

    def template_sample(self):
        indicator = Indicator.objects.select_related("plan").first()
        return {
            "所属规划": indicator.plan.title if indicator else "",
            "指标": indicator.name if indicator else "光纤宽带覆盖",
            "报告期": period_of(timezone.localdate()),
            "实际值": Decimal("130"),
            "备注": "",
        }
