"""The monthly report's due day counts the office's calendar: after the National Day and May Day holidays the report
is due later than Monday to Friday would have it, and the reminders and the scorecard's on-time rule follow."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.models import ProgressReport
from projects.reminders import report_due_date
from reports.selectors import filed_on_time
from reports.versioning import current_version
from tests.factories import ProgressReportFactory, ProjectFactory
from workdays.choices import DayKind, Holiday
from workdays.models import SpecialDay

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("month", "due"),
    [
        # 8 Oct (Thu), 9 (Fri), 10 (the Saturday worked), 12 (Mon), 13 (Tue); Monday to Friday alone said 7 October.
        (D(2026, 10, 20), D(2026, 10, 13)),
        # 6 May (Wed), 7, 8, 9 (the Saturday worked), 11 (Mon); Monday to Friday alone said 7 May.
        (D(2026, 5, 2), D(2026, 5, 11)),
        # 4 January is a Sunday worked: 4, 5, 6, 7, 8; Monday to Friday alone said 7 January.
        (D(2026, 1, 31), D(2026, 1, 8)),
        # February's holiday comes after its 5th working day.
        (D(2026, 2, 10), D(2026, 2, 6)),
        (D(2026, 11, 20), D(2026, 11, 6)),
    ],
)
def test_due_day_counts_holidays_and_weekend_days_worked(month, due):
    assert report_due_date(month) == due


def test_no_reminder_during_the_national_day_holiday(liaison, unit, mailoutbox, settings):
    settings.SITE_URL = "https://smartcity.example.gov.cn"
    liaison.email = "liaison@example.gov.cn"
    liaison.save(update_fields=["email"])
    ProjectFactory(lead_org=unit, name="智慧水务")
    for day in ("2026-10-08", "2026-10-13"):  # Monday to Friday alone would have reminded from 8 October
        call_command("send_reminders", f"--today={day}", stdout=io.StringIO(), stderr=io.StringIO())
        assert mailoutbox == []
    call_command("send_reminders", "--today=2026-10-14", stdout=io.StringIO(), stderr=io.StringIO())
    assert [message.to for message in mailoutbox] == [["liaison@example.gov.cn"]]


def filed(period: str, day: datetime.date) -> ProgressReport:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0)))
    return ProgressReportFactory(period=period, submitted_at=moment)


def test_on_time_rule_follows_the_calendar(django_assert_max_num_queries):
    in_time = filed("2026-10", D(2026, 10, 13))
    late = filed("2026-10", D(2026, 10, 14))
    periods = [f"2026-{month:02d}" for month in range(1, 13)] + ["2027-01"]
    # Thirteen periods over two years: one query a year.
    with django_assert_max_num_queries(2):
        rule = filed_on_time(periods)
    assert set(ProgressReport.objects.filter(rule).values_list("pk", flat=True)) == {in_time.pk}
    # The office makes 13 October a day off: the 14th is then in time.
    SpecialDay.objects.create(date=D(2026, 10, 13), kind=DayKind.DAY_OFF, holiday=Holiday.OTHER)
    assert set(ProgressReport.objects.filter(filed_on_time(periods)).values_list("pk", flat=True)) == {
        in_time.pk,
        late.pk,
    }


def test_an_edit_refreshes_the_cached_figures():
    """The scorecard's on-time counts are cached under the data version: a calendar edit must move it."""
    before = current_version()
    day = SpecialDay.objects.create(date=D(2026, 11, 4), kind=DayKind.DAY_OFF, holiday=Holiday.OTHER)
    moved = current_version()
    assert moved > before
    day.delete()
    assert current_version() > moved
