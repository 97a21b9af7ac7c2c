"""A project's change history as its page shows it: dates and times written the way the rest of the page writes
them (2026-12-06, 2026-12-06 14:04), in local time, never as raw ISO values."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import history, services
from projects.models import period_of
from tests.factories import MilestoneFactory, ProjectFactory

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_review_and_submission_times_are_local_and_formatted(client, liaison, office_user, unit):
    project = ProjectFactory(lead_org=unit)
    report = services.progress_report_submit(
        actor=liaison,
        data={
            "project": project,
            "period": period_of(timezone.localdate()),
            "progress": Decimal("30"),
            "investment_completed": Decimal("10"),
            "summary": "完成招投标。",
        },
    )
    report = services.progress_report_approve(actor=office_user, report=report)
    shown = timezone.localtime(report.reviewed_at).strftime("%Y-%m-%d %H:%M")

    client.force_login(office_user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    section = page[page.index('id="history-heading"') :]
    assert f"— → {shown}" in section
    assert not ISO_TIME.search(section) and "+00:00" not in section


def test_change_values_are_written_as_the_page_writes_them():
    moment = datetime.datetime(2026, 12, 6, 6, 4, 15, 372714, tzinfo=datetime.UTC)
    field = type("Field", (), {"is_relation": False, "choices": None})()
    assert history._display(field, moment, {}) == "2026-12-06 14:04"  # Asia/Shanghai
    assert history._display(field, datetime.date(2027, 3, 31), {}) == "2027-03-31"


def test_a_milestones_dates_in_the_history(client, office_user):
    milestone = MilestoneFactory(planned_date=datetime.date(2026, 3, 1))
    milestone.actual_date = datetime.date(2026, 3, 5)
    milestone.save()
    client.force_login(office_user)
    page = client.get(f"/projects/{milestone.project_id}/").content.decode()
    assert "— → 2026-03-05" in page
