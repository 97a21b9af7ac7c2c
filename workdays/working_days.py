"""Working days (工作日): Monday to Friday, except the public holidays, plus the weekend days worked in their place
(调休), as the office's calendar (``SpecialDay``) states them. Every count of working days in the platform comes
from here: the monthly report's due day (``projects.reminders.report_due_date``), the scorecard's reports on time,
and deadlines set in working days.

A ``WorkCalendar`` reads each year it needs once, in one query (a year holds some forty rows), and keeps it for its
own life: a loop over units, projects or periods holds one calendar, and the module's functions, which make a new
one per call, serve single questions. Nothing is kept longer than that: the cache is per process by default
(``CACHES``), so a generation key kept in it would not reach the other app servers, and a day the office edits
must count at once on every one of them. Reading a year is one query over the date's unique index, some forty rows:
about 2 ms with the ORM's own work (measured on SQLite on a busy two-core machine; the database's part is under
0.1 ms), so a page or a reminder run that reads one or two years does not notice it.

Limits: a count of working days lies within 0…``MAX_WORKING_DAYS``, a search never looks more than
``MAX_SPAN_DAYS`` ahead, and nothing goes past the last date Python holds; beyond them ``CalendarLimitError``
(a ``ValueError``) says so. Years without a row are plain Monday-to-Friday years, whatever the year.
"""

import datetime

from django.utils.translation import gettext as _

from .choices import DayKind
from .models import SpecialDay

# About ten years of working days: far more than any deadline set in working days.
MAX_WORKING_DAYS = 2_500
# Twenty years: a calendar whose working days are further apart than this is broken, not long.
MAX_SPAN_DAYS = 7_305


class CalendarLimitError(ValueError):
    pass


def _weekdays_up_to(ordinal: int) -> int:
    """Mondays to Fridays from 0001-01-01 (ordinal 1, a Monday) to ``ordinal``, both included."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


class WorkCalendar:
    """The working days, each year read from the database at most once for the object's life."""

    def __init__(self):
        self._special: dict[datetime.date, bool] = {}  # date → worked
        self._years: set[int] = set()

    def _load(self, first: int, last: int) -> None:
        missing = [year for year in range(first, last + 1) if year not in self._years]
        if not missing:
            return
        start, end = datetime.date(min(missing), 1, 1), datetime.date(max(missing), 12, 31)
        for day, kind in SpecialDay.objects.filter(date__range=(start, end)).order_by().values_list("date", "kind"):
            self._special[day] = kind == DayKind.WORKED
        self._years.update(missing)

    def is_working_day(self, day: datetime.date) -> bool:
        self._load(day.year, day.year)
        worked = self._special.get(day)
        return day.weekday() < 5 if worked is None else worked

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``day`` (``day`` itself for 0)."""
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise CalendarLimitError(
                _("A number of working days must lie between 0 and %(max)d.") % {"max": MAX_WORKING_DAYS}
            )
        current = day
        for _step in range(MAX_SPAN_DAYS):
            if n == 0:
                return current
            if current == datetime.date.max:
                break
            current += datetime.timedelta(days=1)
            if self.is_working_day(current):
                n -= 1
        if n == 0:
            return current
        raise CalendarLimitError(
            _("No such working day within %(years)d years of %(day)s.")
            % {"years": MAX_SPAN_DAYS // 365, "day": day.isoformat()}
        )

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """The working days after ``start`` up to ``end`` included; 0 when ``end`` is not after ``start``."""
        if end <= start:
            return 0
        self._load(start.year, end.year)
        count = _weekdays_up_to(end.toordinal()) - _weekdays_up_to(start.toordinal())
        for day, worked in self._special.items():
            if start < day <= end and worked != (day.weekday() < 5):
                count += 1 if worked else -1
        return count

    def nth_working_day_of_month(self, year: int, month: int, n: int) -> datetime.date:
        """The month's ``n``-th working day (``n`` ≥ 1), counted from its first day: a later month's day when the
        month has fewer than ``n``."""
        if n < 1:
            raise CalendarLimitError(_("The first working day of a month is the 1st: count from 1."))
        first = datetime.date(year, month, 1)
        return self.add_working_days(first, n - 1 if self.is_working_day(first) else n)


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    return WorkCalendar().add_working_days(day, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar().working_days_between(start, end)


def nth_working_day_of_month(year: int, month: int, n: int) -> datetime.date:
    return WorkCalendar().nth_working_day_of_month(year, month, n)
