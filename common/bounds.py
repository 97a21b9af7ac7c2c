"""The limits every stored value keeps, stated once: years and dates, money and indicator figures, text lengths.

An office's intranet server is shared by every department: one typed value must not make a page build a list of a
billion years, a sum overflow, or a row hold fifty megabytes of text. Each limit is checked three times, from the
same constants: by the form and the API (the model field's validators, which ModelForm, ModelSerializer, the import
and ``full_clean`` all run, and which the OpenAPI schema publishes as ``minimum``/``maximum``/``maxLength``), and by a
named ``CheckConstraint`` in the database, whatever the path.

- Years lie in 1949–2100 (plans, sessions; fundings and baselines keep their narrower 2000–2100), and so does every
  stored date and month (``DATE_MIN``…``DATE_MAX``): the pages turn them into lists of years and months and add months
  to them, which must stay within what Python's dates hold.
- Money (万元) lies in 0…``MONEY_MAX`` per row (just under 1 万亿元, a trillion yuan): a sum over a billion rows still
  fits the sums' 20 digits (``money_sum``), and SQLite, which keeps decimals as 15-digit floats, gives every stored
  amount back exactly.
- Indicator figures (baseline, target, actual value) lie within ±``FIGURE_MAX`` (just under 1000 亿) with four
  decimals: fifteen significant digits, so SQLite gives them back exactly too (a 16-digit value came back rounded up
  past the column's width: ``InvalidOperation``); attainment is a float ratio of two of them.
- Texts: ``TEXT_MAX`` characters for a report's or a note's text, ``DOCUMENT_MAX`` for a proposal's content and a reply
  letter. Both are below Excel's 32,767 characters a cell, so every text exports to a cell.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

YEAR_MIN = 1949
YEAR_MAX = 2100
DATE_MIN = datetime.date(YEAR_MIN, 1, 1)
DATE_MAX = datetime.date(YEAR_MAX, 12, 31)
PERIOD_MIN = f"{YEAR_MIN:04d}-01"
PERIOD_MAX = f"{YEAR_MAX:04d}-12"

MONEY_MAX = Decimal("99999999.99")
MONEY_SUM_DIGITS = 20
FIGURE_MAX = Decimal("99999999999.9999")

TEXT_MAX = 5_000
DOCUMENT_MAX = 20_000
# Excel's own limit for one cell: an uploaded cell longer than this was not written by Excel or WPS.
CELL_MAX = 32_767


def _formatted(message, **params):
    """``message % params``, translated when shown rather than when the module is imported."""
    return lazy(lambda: str(message) % params, str)()


def year_validators(first: int = YEAR_MIN, last: int = YEAR_MAX) -> list:
    return [MinValueValidator(first), MaxValueValidator(last)]


def year_range(*fields: str, name: str, first: int = YEAR_MIN, last: int = YEAR_MAX) -> models.CheckConstraint:
    """One constraint keeping every one of ``fields`` (years) within ``first``…``last``."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": first, f"{field}__lte": last})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_formatted(_("Year must be between %(first)s and %(last)s."), first=first, last=last),
    )


def years_between(first: int | None, last: int | None) -> range:
    """The years from ``last`` down to ``first``, newest first, never beyond ``YEAR_MIN``…``YEAR_MAX`` whatever the
    stored values (a list of years is built from them: a plan ending in 92521 once made one of ninety thousand)."""
    if first is None or last is None:
        return range(0)
    return range(min(last, YEAR_MAX), max(first, YEAR_MIN) - 1, -1)


date_validators = [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


def dates_in_range(*fields: str, name: str) -> models.CheckConstraint:
    """One constraint keeping every one of ``fields`` (dates, blank allowed) within ``DATE_MIN``…``DATE_MAX``."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (DATE_MIN, DATE_MAX)})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_formatted(
            _("Dates must lie between %(first)s and %(last)s."), first=DATE_MIN.isoformat(), last=DATE_MAX.isoformat()
        ),
    )


def validate_period_range(period: str):
    """A month (YYYY-MM, its format checked apart) within the years every date keeps."""
    if isinstance(period, str) and len(period) == 7 and not PERIOD_MIN <= period <= PERIOD_MAX:
        raise ValidationError(
            _("Enter a month between %(first)s and %(last)s."),
            code="period_range",
            params={"first": PERIOD_MIN, "last": PERIOD_MAX},
        )


def period_range(field: str, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": PERIOD_MIN, f"{field}__lte": PERIOD_MAX}),
        name=name,
        violation_error_message=_formatted(
            _("Enter a month between %(first)s and %(last)s."), first=PERIOD_MIN, last=PERIOD_MAX
        ),
    )


money_validators = [MinValueValidator(0), MaxValueValidator(MONEY_MAX)]


def money_field(verbose_name, **kwargs):
    """An amount in 万元 (ten thousand yuan), from 0 to ``MONEY_MAX``."""
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=money_validators, **kwargs)


def money_in_range(*fields: str, name: str) -> models.CheckConstraint:
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": 0, f"{field}__lte": MONEY_MAX})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_formatted(
            _("Amounts must lie between 0 and %(max)s (10k yuan)."), max=f"{MONEY_MAX:,}"
        ),
    )


def money_sum(expression, **extra):
    """``Sum`` of amounts, wide enough for any number of rows (the column's 14 digits are not: SQLite refused a sum
    past them with ``InvalidOperation``)."""
    return models.Sum(
        expression, output_field=models.DecimalField(max_digits=MONEY_SUM_DIGITS, decimal_places=2), **extra
    )


figure_validators = [MinValueValidator(-FIGURE_MAX), MaxValueValidator(FIGURE_MAX)]


def figure_field(verbose_name, **kwargs):
    """An indicator's figure (a baseline, a target, an actual value) within ±``FIGURE_MAX``, four decimals."""
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=4, validators=figure_validators, **kwargs)


def figures_in_range(*fields: str, name: str) -> models.CheckConstraint:
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__range": (-FIGURE_MAX, FIGURE_MAX)})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_formatted(_("Figures must lie between -%(max)s and %(max)s."), max=f"{FIGURE_MAX:,}"),
    )


def text_field(verbose_name, max_length: int = TEXT_MAX, **kwargs):
    """A long text of at most ``max_length`` characters (forms and the API say so; ``texts_in_range`` in the
    database)."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


def texts_in_range(model_fields: dict[str, int], *, name: str) -> models.CheckConstraint:
    """One constraint keeping each text field (name → its maximum length) within its length."""
    condition = Q()
    for field, limit in model_fields.items():
        condition &= Q(LessThanOrEqual(Length(field), limit))
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=_("A text is longer than its column allows.")
    )
