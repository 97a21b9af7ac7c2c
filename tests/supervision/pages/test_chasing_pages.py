"""催报 through the page: the office sees each unit with its missing reports for the month (the counts of the lists
they link to), chases one unit, is refused a second chase the same day, and chases every overdue unit at once."""

import datetime

import pytest

from notifications.choices import NotificationKind
from notifications.models import Notification
from supervision.models import Chase
from supervision.selectors import missing_reports
from tests.factories import ProgressReportFactory, ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 22)
PERIOD = "2026-06"


@pytest.fixture
def month(sv, set_today):
    """June 2026, past the reports' due day: the unit has one project reported and two not; the other unit one not."""
    set_today(TODAY)
    ProgressReportFactory(project=ProjectFactory(lead_org=sv.unit), period=PERIOD)
    ProjectFactory(lead_org=sv.unit)
    ProjectFactory(lead_org=sv.other_unit)
    return sv


def rows_of(response):
    return {row["unit"]: row for row in response.context["rows"]}


def test_the_office_sees_each_unit_with_the_count_of_the_list_it_links_to(client, month):
    client.force_login(month.office)
    response = client.get(f"/supervision/chasing/?period={PERIOD}")
    rows = rows_of(response)
    assert {unit: row["missing"] for unit, row in rows.items()} == {month.unit: 2, month.other_unit: 1}
    for unit, row in rows.items():
        # The number is the length of the list of that unit's projects without a report for the month.
        assert row["missing"] == missing_reports(month.office, PERIOD).filter(lead_org=unit).count()
        assert row["overdue"] and row["last_chased"] is None
    page = response.content.decode()
    assert f"/projects/?lead_org={month.unit.pk}&amp;report_period={PERIOD}&amp;report_status=missing" in page
    # This month by default.
    assert client.get("/supervision/chasing/").context["period"] == PERIOD


def test_a_chase_notifies_the_unit_and_a_second_one_the_same_day_is_refused(client, month):
    client.force_login(month.office)
    response = client.post("/supervision/chasing/", {"period": PERIOD, "unit": month.unit.pk})
    assert response.status_code == 302 and response["Location"] == f"/supervision/chasing/?period={PERIOD}"
    chase = Chase.objects.get()
    assert (chase.unit, chase.period, chase.missing, chase.chased_on) == (month.unit, PERIOD, 2, TODAY)
    assert Notification.objects.filter(recipient=month.liaison, kind=NotificationKind.CHASE).count() == 1
    page = client.get(f"/supervision/chasing/?period={PERIOD}")
    assert rows_of(page)[month.unit]["last_chased"] == TODAY
    again = client.post("/supervision/chasing/", {"period": PERIOD, "unit": month.unit.pk})
    assert again.status_code == 409
    assert [str(m) for m in again.context["messages"]] == [f"今天已就{PERIOD}月报催报过{month.unit}。"]
    assert Chase.objects.count() == 1


def test_chase_every_overdue_unit_at_once(client, month):
    client.force_login(month.office)
    client.post("/supervision/chasing/", {"period": PERIOD, "unit": month.unit.pk})
    response = client.post("/supervision/chasing/", {"period": PERIOD, "all": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == f"已就{PERIOD}月报催报1个单位。"
    assert sorted(Chase.objects.values_list("unit", flat=True)) == sorted([month.unit.pk, month.other_unit.pk])
    assert response.context["overdue_waiting"] == 0


def test_a_unit_with_nothing_missing_is_not_chased(client, month):
    client.force_login(month.office)
    ProgressReportFactory(project=month.project, period="2026-05")
    response = client.post("/supervision/chasing/", {"period": "2026-05", "unit": month.committee.organization_id})
    assert response.status_code == 409
    assert not Chase.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"period": "2026-13"}, {"period": "abc"}, {"period": "9999-01"}, {"period": PERIOD, "unit": "x"}],
    ids=["month-13", "text", "far", "unit-not-a-number"],
)
def test_hostile_input(client, month, data):
    client.force_login(month.office)
    status = 404 if "unit" in data else 400
    assert client.post("/supervision/chasing/", data).status_code == status
    if "unit" not in data:
        assert client.get("/supervision/chasing/", data).status_code == 400
    assert not Chase.objects.exists()


def test_only_the_office_chases(client, month):
    for user in (month.liaison, month.leader, month.committee, month.signer):
        client.force_login(user)
        assert client.get("/supervision/chasing/").status_code == 403
        assert client.post("/supervision/chasing/", {"period": PERIOD, "unit": month.unit.pk}).status_code == 403
    assert not Chase.objects.exists()
