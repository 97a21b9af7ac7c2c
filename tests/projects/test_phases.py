"""The phase rule (projects/querysets.py): a phase (``parent`` set) is part of its parent. It enters no total, count or
average, it is listed under its parent, and progress is reported on the parent only."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.choices import ProjectStatus
from projects.models import Project, period_of
from projects.selectors import portfolio_summary
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(unit):
    """信用镇海 960 万元 with its three phases of 280, 320 and 360."""
    parent = ProjectFactory(code="ZH-07", name="信用镇海", lead_org=unit, total_investment=Decimal("960"))
    phases = [
        ProjectFactory(code=f"ZH-07-{n}", name=f"信用镇海{n}期", lead_org=unit, parent=parent, total_investment=amount)
        for n, amount in ((1, Decimal("280")), (2, Decimal("320")), (3, Decimal("360")))
    ]
    return parent, phases


def test_only_the_parent_must_report(family):
    parent, _phases = family
    assert list(Project.objects.reporting()) == [parent]
    period = period_of(timezone.localdate())
    assert list(Project.objects.without_report(period)) == [parent]


def test_a_phase_report_is_refused_with_the_reason(api, liaison, family):
    _parent, phases = family
    response = api.as_user(liaison).post(
        "/api/v1/progress-reports/",
        {
            "project": phases[0].pk,
            "period": period_of(timezone.localdate()),
            "progress": "50.0",
            "investment_completed": "10",
            "summary": "完成数据归集。",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "信用镇海" in str(response.json()["project"])
    assert not phases[0].progress_reports.exists()


def test_the_reporting_page_offers_the_parent_only(client, liaison, family):
    parent, _phases = family
    client.force_login(liaison)
    rows = client.get("/progress/report/").context["rows"]
    assert [row["project"] for row in rows] == [parent]


def test_totals_count_the_parent_once_by_its_own_investment(family):
    summary = portfolio_summary()
    assert (summary["total"], summary["investment"], summary["phases"]) == (1, Decimal("960.00"), 3)


def test_the_list_nests_phases_under_their_parent_and_counts_one_project(client, leader, family):
    parent, phases = family
    other = ProjectFactory(code="ZH-08", status=ProjectStatus.COMPLETED)
    client.force_login(leader)

    response = client.get("/projects/")
    assert response.context["paginator"].count == 2
    rows = list(response.context["object_list"])
    assert rows == [parent, other]
    assert rows[0].phase_rows == phases and rows[1].phase_rows == []
    assert response.context["summary"]["investment"] == Decimal("960.00") + other.total_investment
    page = response.content.decode()
    assert page.index("ZH-07-1") > page.index("信用镇海</a>") and 'id="phases-note"' in page

    # Asked for the phases of a project, the list shows them as its rows.
    by_parent = client.get("/projects/", {"parent": parent.pk})
    assert list(by_parent.context["object_list"]) == phases


def test_the_export_keeps_every_phase_after_its_parent(client, office_user, family):
    _parent, _phases = family
    ProjectFactory(code="ZH-06")
    client.force_login(office_user)
    response = client.get("/projects/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    codes = re.findall(r"ZH-0\d(?:-\d)?", text)
    assert codes == ["ZH-06", "ZH-07", "ZH-07-1", "ZH-07-2", "ZH-07-3"]


def test_the_public_page_counts_published_top_level_projects(client, family):
    parent, phases = family
    Project.objects.update(is_published=True)
    response = client.get("/public/")
    assert response.context["counts"]["total"] == 1
    listed = response.context["projects"]
    assert listed == [parent] and listed[0].phase_rows == phases


def test_a_red_phase_is_not_chased_as_a_red_project(family):
    from projects.reminders import _office_items as office_items

    _parent, phases = family
    phases[0].milestones.create(name="上线", weight=100, planned_date=timezone.localdate() - datetime.timedelta(60))
    keys = {item.key for item in office_items(timezone.localdate())}
    assert f"red:{phases[0].pk}" not in keys
