"""Working days by the office's calendar: the 2026 State Council arrangement as shipped, weekend days worked (调休),
long holidays, year boundaries, far dates within clear limits, edits counting at once, one query per year."""

import datetime

import pytest

from workdays.choices import DayKind, Holiday
from workdays.models import SpecialDay
from workdays.working_days import (
    MAX_WORKING_DAYS,
    CalendarLimitError,
    WorkCalendar,
    add_working_days,
    is_working_day,
    nth_working_day_of_month,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 10, 1), False),  # 国庆节, a Thursday
        (D(2026, 10, 7), False),  # the last day of the National Day holiday, a Wednesday
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # a Saturday worked (调休上班)
        (D(2026, 9, 20), True),  # a Sunday worked
        (D(2026, 2, 14), True),  # a Saturday worked before the Spring Festival
        (D(2026, 2, 18), False),  # 春节, a Wednesday
        (D(2026, 10, 17), False),  # an ordinary Saturday
        (D(2026, 11, 18), True),  # an ordinary Wednesday
        (D(2027, 10, 4), False),  # 2027: provisional, a made-up day for 国庆 on a Saturday
    ],
)
def test_shipped_calendar(day, working):
    assert is_working_day(day) is working


def test_2026_as_the_state_council_arranged_it():
    days = SpecialDay.objects.filter(date__year=2026)
    assert days.filter(kind=DayKind.DAY_OFF).count() == 33
    assert sorted(days.filter(kind=DayKind.WORKED).values_list("date", flat=True)) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert not days.filter(provisional=True).exists()
    assert list(days.filter(holiday=Holiday.SPRING_FESTIVAL, kind=DayKind.DAY_OFF).values_list("date", flat=True)) == [
        D(2026, 2, 15) + datetime.timedelta(days=offset) for offset in range(9)
    ]
    # 261 weekdays, 19 of them off, 6 weekend days worked.
    assert working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 248
    # 2027 waits for its notice: every day shipped is marked provisional.
    assert not SpecialDay.objects.filter(date__year=2027, provisional=False).exists()


def test_counting_across_the_national_day_holiday():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # Thursday, Friday, the Saturday worked
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)  # zero days later is the day itself


def test_counting_a_count_agrees_with_stepping_day_by_day():
    calendar = WorkCalendar()
    start = D(2025, 12, 20)
    for offset in range(0, 420, 7):
        end = start + datetime.timedelta(days=offset)
        stepped = sum(calendar.is_working_day(start + datetime.timedelta(days=i)) for i in range(1, offset + 1))
        assert calendar.working_days_between(start, end) == stepped


def test_year_boundary():
    # 2027-01-01 is a (provisional) holiday, then a weekend.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 5)) == 3
    assert nth_working_day_of_month(2027, 1, 1) == D(2027, 1, 4)
    assert nth_working_day_of_month(2026, 1, 1) == D(2026, 1, 4)  # a Sunday worked opens 2026


def test_nth_working_day_of_month():
    assert nth_working_day_of_month(2026, 10, 5) == D(2026, 10, 13)
    assert nth_working_day_of_month(2026, 5, 5) == D(2026, 5, 11)
    assert nth_working_day_of_month(2026, 11, 1) == D(2026, 11, 2)  # 1 November is a Sunday
    assert nth_working_day_of_month(2026, 12, 1) == D(2026, 12, 1)
    # February 2026: the 5th working day is before the holiday; the month's 16th and last is the Saturday worked.
    assert nth_working_day_of_month(2026, 2, 5) == D(2026, 2, 6)
    assert nth_working_day_of_month(2026, 2, 11) == D(2026, 2, 14)
    assert nth_working_day_of_month(2026, 2, 12) == D(2026, 2, 24)
    assert nth_working_day_of_month(2026, 2, 16) == D(2026, 2, 28)
    # More working days than the month has: counting goes on into the next month.
    assert nth_working_day_of_month(2026, 2, 20) == D(2026, 3, 5)
    with pytest.raises(CalendarLimitError):
        nth_working_day_of_month(2026, 10, 0)


def test_no_count_against_weekends_or_days_without_a_row():
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 12)) == 0
    assert working_days_between(D(2026, 10, 12), D(2026, 10, 1)) == 0  # backwards: nothing
    assert working_days_between(D(2031, 3, 6), D(2031, 3, 13)) == 5  # a year without rows: Monday to Friday


def test_far_dates_within_clear_limits(django_assert_max_num_queries):
    assert is_working_day(D(9999, 12, 31)) is True  # a Friday
    assert is_working_day(D(1, 1, 1)) is True  # a Monday
    assert add_working_days(D(1, 1, 1), 5) == D(1, 1, 8)
    assert nth_working_day_of_month(1, 1, 1) == D(1, 1, 1)
    assert working_days_between(D(1, 1, 1), D(1, 1, 1)) == 0
    with pytest.raises(CalendarLimitError):
        add_working_days(D(9999, 12, 31), 1)  # no later date exists
    with pytest.raises(CalendarLimitError):
        add_working_days(D(9999, 12, 20), 100)
    with pytest.raises(CalendarLimitError):
        add_working_days(D(2026, 1, 1), -1)
    with pytest.raises(CalendarLimitError):
        add_working_days(D(2026, 1, 1), MAX_WORKING_DAYS + 1)
    assert add_working_days(D(2026, 1, 1), MAX_WORKING_DAYS) > D(2035, 1, 1)
    # The whole range of dates in one query, by arithmetic rather than by stepping through 3.6 million days.
    with django_assert_max_num_queries(1):
        everything = working_days_between(D.min, D.max)
    SpecialDay.objects.all().delete()
    # 2026 and 2027 each turn 13 weekdays net into days off (2026: 19 off, 6 worked; 2027: 13 off).
    assert working_days_between(D.min, D.max) == everything + 26


def test_an_edit_counts_at_once():
    assert nth_working_day_of_month(2026, 11, 5) == D(2026, 11, 6)
    SpecialDay.objects.create(date=D(2026, 11, 4), kind=DayKind.DAY_OFF, holiday=Holiday.OTHER, note="临时放假")
    assert is_working_day(D(2026, 11, 4)) is False
    assert nth_working_day_of_month(2026, 11, 5) == D(2026, 11, 9)
    SpecialDay.objects.filter(date=D(2026, 10, 10)).delete()
    assert is_working_day(D(2026, 10, 10)) is False


def test_one_query_per_year(django_assert_num_queries):
    calendar = WorkCalendar()
    with django_assert_num_queries(2):
        for year in (2026, 2027):
            for month in range(1, 13):
                calendar.nth_working_day_of_month(year, month, 5)
                calendar.working_days_between(D(year, month, 1), D(year, month, 28))
    with django_assert_num_queries(0):
        calendar.is_working_day(D(2026, 10, 10))
    # A span loads every year it covers in one query.
    with django_assert_num_queries(1):
        WorkCalendar().working_days_between(D(2020, 1, 1), D(2030, 1, 1))
