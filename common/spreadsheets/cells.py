"""What a spreadsheet cell holds, read as people type it: text compared loosely, blanks and 小计/合计 labels, and
days, months, deadlines, spans of years and numbers in the forms the office's tables use (or as Excel stores them).

Every parser takes the raw cell (text, number, date or None), answers None for a blank cell and raises ``ValueError``
with a message for people when the cell cannot be read.
"""

import datetime
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# The words of subtotal and total rows in the office's tables; such rows are passed over on import.
TOTAL_WORDS = frozenset({"小计", "合计", "总计", "共计"})
# How a list of names is written in one cell, and what it is split on when read.
NAME_SEPARATOR = "、"
NAME_SPLIT = re.compile(r"[；;、，,\n\r]+")
YEARS_DASH = "—"
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Beyond every numeric column's limit (common.bounds), and small enough to round to four decimals exactly.
NUMBER_CEILING = Decimal(10) ** 18

DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?$")
COMPACT_DATE_PATTERN = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
PERIOD_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:份)?$")
COMPACT_PERIOD_PATTERN = re.compile(r"^(\d{4})(\d{2})$")
YEAR_PATTERN = re.compile(r"^(\d{4})年?(?:底|末|年底|年末)?$")
YEARS_PATTERN = re.compile(r"^(\d{4})年?(?:[-—–~～至到]+(\d{4})年?)?$")


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


def same(left, right) -> bool:
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


def shown(value) -> str:
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


def month_text(year: int, month: int) -> str:
    """A month as the models store it (YYYY-MM, as ``projects.models.period_of``, which common may not import)."""
    return f"{year:04d}-{month:02d}"


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
        return month_text(value.year, value.month)
    text = normalize(value)
    match = PERIOD_PATTERN.match(text) or COMPACT_PERIOD_PATTERN.match(text)
    if match:
        year, month = (int(part) for part in match.groups())
        if 1 <= month <= 12:
            return month_text(year, month)
    try:
        day = parse_date(value)
        return month_text(day.year, day.month)
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
