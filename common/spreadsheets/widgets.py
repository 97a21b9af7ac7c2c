"""Widgets of django-import-export, one kind of cell each: text, numbers (money, figures), days, deadlines, months,
yes/no, choices and related objects by name. Each reads a cell as people type it (``clean``, through
``common.spreadsheets.cells``), renders a native value for the export (``render``) and says what it takes for the
template's instructions (``describe``).
"""

import copy
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from common import bounds
from common.text import shortened_list

from .cells import (
    NAME_SEPARATOR,
    NAME_SPLIT,
    is_blank,
    normalize,
    parse_date,
    parse_deadline,
    parse_number,
    parse_period,
    shown,
)

LIST_LIMIT = 300  # names listed in a template's instructions at most


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
        text = normalize(shown(value)).lower()
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

    def __init__(
        self, model, lookup_fields=("name",), render_field: str | None = None, select_related=(), action="view"
    ):
        super().__init__(coerce_to_string=True)
        self.model = model
        # What the importing user must be able to do to the object named (``User.scope``): a name never reaches
        # another region's row, and a code that repeats in two regions means the user's own.
        self.action = action
        self.user = None
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
        candidates = self.model.objects.filter(condition)
        if self.user is not None:
            candidates = self.user.scope(candidates, self.action)
        for obj in candidates.select_related(*self.select_related):
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
        return self.find(shown(value).strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.render_field))

    def describe(self) -> str:
        names = list(
            self.model.objects.order_by(self.render_field).values_list(self.render_field, flat=True)[: LIST_LIMIT + 1]
        )
        return shortened_list(names, limit=LIST_LIMIT)


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
