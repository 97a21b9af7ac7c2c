"""The project list's report status for a month, 未报送 beside the reports' own statuses: the same filter on the page
and in the API, and its 未报送 count is what the office chases."""

import datetime

import pytest

from projects.choices import ProjectStatus, ReportStatus
from supervision.selectors import units_to_chase
from tests.factories import OrganizationFactory, ProgressReportFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PERIOD = "2026-11"


@pytest.fixture
def portfolio(unit, other_unit):
    third = OrganizationFactory(name="镇海区交通运输局")
    projects = {
        "missing-1": ProjectFactory(lead_org=unit, code="ZH-01"),
        "missing-2": ProjectFactory(lead_org=unit, code="ZH-02"),
        "missing-3": ProjectFactory(lead_org=other_unit, code="SL-01"),
        "submitted": ProjectFactory(lead_org=other_unit, code="SL-02"),
        "returned": ProjectFactory(lead_org=third, code="JT-01"),
        "approved": ProjectFactory(lead_org=third, code="JT-02"),
        # Not due to report: planned, done, or a phase (its parent reports).
        "planned": ProjectFactory(lead_org=third, code="JT-03", status=ProjectStatus.PLANNED),
        "done": ProjectFactory(lead_org=third, code="JT-04", status=ProjectStatus.COMPLETED),
    }
    ProjectFactory(lead_org=third, code="JT-01-1", parent=projects["returned"])
    ProgressReportFactory(project=projects["submitted"], period=PERIOD)
    ProgressReportFactory(
        project=projects["returned"], period=PERIOD, status=ReportStatus.RETURNED, review_comment="数据不符"
    )
    ProgressReportFactory(project=projects["approved"], period=PERIOD, status=ReportStatus.APPROVED)
    ProgressReportFactory(project=projects["missing-1"], period="2026-10", status=ReportStatus.APPROVED)
    return projects


def listed(client, query: str) -> list[str]:
    response = client.get(f"/projects/?{query}&per_page=100")
    assert response.status_code == 200
    return sorted(project.code for project in response.context["object_list"])


@pytest.mark.parametrize(
    ("status", "codes"),
    [
        ("missing", ["SL-01", "ZH-01", "ZH-02"]),
        ("submitted", ["SL-02"]),
        ("returned", ["JT-01"]),
        ("approved", ["JT-02"]),
    ],
)
def test_the_list_and_the_api_filter_by_a_months_report_status(client, api, office_user, portfolio, status, codes):
    client.force_login(office_user)
    query = f"report_period={PERIOD}&report_status={status}"
    assert listed(client, query) == codes
    response = api.as_user(office_user).get(f"/api/v1/projects/?{query}&page_size=100")
    assert response.status_code == 200
    assert sorted(row["code"] for row in response.json()["results"]) == codes


def test_not_reported_is_what_the_office_chases(client, office_user, portfolio):
    client.force_login(office_user)
    chased = units_to_chase(office_user, PERIOD)
    missing = listed(client, f"report_period={PERIOD}&report_status=missing")
    assert len(missing) == sum(row["missing"] for row in chased) == 3
    assert {row["unit"].pk: row["missing"] for row in chased} == {
        portfolio["missing-1"].lead_org_id: 2,
        portfolio["missing-3"].lead_org_id: 1,
    }
    for row in chased:
        query = f"report_period={PERIOD}&report_status=missing&lead_org={row['unit'].pk}"
        assert len(listed(client, query)) == row["missing"]


def test_the_month_defaults_to_this_one(client, office_user, portfolio, set_today):
    set_today(datetime.date(2026, 11, 20))
    client.force_login(office_user)
    assert listed(client, "report_status=missing") == ["SL-01", "ZH-01", "ZH-02"]
    assert "未报送" in client.get("/projects/").content.decode()  # offered beside the reports' own statuses


@pytest.mark.parametrize("period", ["2026-13", "1900-01", "'; drop table projects_project; --", "２０２６-１１"])
def test_a_bad_month_is_refused(client, api, office_user, portfolio, period):
    client.force_login(office_user)
    assert listed(client, f"report_period={period}&report_status=missing") == []
    response = api.as_user(office_user).get("/api/v1/projects/", {"report_period": period, "report_status": "missing"})
    assert response.status_code == 400
    assert "report_period" in response.json()
    response = api.as_user(office_user).get("/api/v1/projects/", {"report_status": "lost"})
    assert response.status_code == 400
