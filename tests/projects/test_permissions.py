"""Role rules through the API: office edits everything, a liaison only their own unit's, leaders and the committee
read only, anonymous nothing."""

import datetime

import pytest
from knox.models import AuthToken

from projects.choices import ReportStatus
from projects.models import Project
from tests.factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


@pytest.fixture
def own_project(unit):
    return ProjectFactory(lead_org=unit)


@pytest.fixture
def others_project(other_unit):
    return ProjectFactory(lead_org=other_unit)


def report_data(project, period="2026-10"):
    return {
        "project": project.pk,
        "period": period,
        "progress": 35.5,
        "investment_completed": 120,
        "summary": "完成系统联调。",
        "problems": "",
        "next_steps": "上线试运行。",
    }


class TestLiaison:
    def test_changes_own_project(self, api, liaison, own_project):
        response = api.as_user(liaison).patch(f"/api/v1/projects/{own_project.pk}/", {"description": "更新"})
        assert response.status_code == 200
        assert response.json()["progress"] == 0.0  # the answer carries the derived figures

    def test_cannot_change_another_units_project(self, api, liaison, others_project):
        response = api.as_user(liaison).patch(f"/api/v1/projects/{others_project.pk}/", {"description": "改别人的"})
        assert response.status_code == 403
        others_project.refresh_from_db()
        assert others_project.description == ""

    def test_cannot_hand_own_project_to_another_unit(self, api, liaison, own_project, other_unit):
        response = api.as_user(liaison).patch(f"/api/v1/projects/{own_project.pk}/", {"lead_org": other_unit.pk})
        assert response.status_code == 403
        own_project.refresh_from_db()
        assert own_project.lead_org_id == liaison.organization_id

    def test_cannot_create_or_delete_projects(self, api, liaison, own_project):
        api.as_user(liaison)
        created = api.post(
            "/api/v1/projects/",
            {
                "code": "NEW-1",
                "name": "新项目",
                "domain": DomainFactory().pk,
                "lead_org": liaison.organization_id,
                "planned_start": "2026-01-01",
                "planned_end": "2026-12-31",
            },
        )
        assert created.status_code == 403
        assert api.delete(f"/api/v1/projects/{own_project.pk}/").status_code == 403
        assert Project.objects.filter(pk=own_project.pk).exists()

    def test_keeps_milestones_of_own_projects_only(self, api, liaison, own_project, others_project):
        api.as_user(liaison)
        mine = MilestoneFactory(project=own_project, weight=100)
        # A milestone's name and note are the unit's own to keep; the plan (which milestones, when, how heavy) is
        # proposed to the office, and a milestone reached is reported with the monthly report.
        assert api.patch(f"/api/v1/milestones/{mine.pk}/", {"note": "已完成需求调研"}).status_code == 200
        milestone = {"name": "上线试运行", "weight": 20, "planned_date": "2026-11-30"}
        added = api.post("/api/v1/milestones/", {**milestone, "project": own_project.pk})
        assert added.status_code == 403 and "调整申请" in added.json()["detail"]
        assert api.post("/api/v1/milestones/", {**milestone, "project": others_project.pk}).status_code == 403
        theirs = MilestoneFactory(project=others_project)
        assert api.patch(f"/api/v1/milestones/{theirs.pk}/", {"note": "代填"}).status_code == 403
        assert api.patch(f"/api/v1/milestones/{mine.pk}/", {"actual_date": "2026-10-01"}).status_code == 403
        assert api.patch(f"/api/v1/milestones/{mine.pk}/", {"planned_date": "2030-01-01"}).status_code == 403
        assert api.delete(f"/api/v1/milestones/{mine.pk}/").status_code == 403
        assert api.patch(f"/api/v1/milestones/{mine.pk}/", {"project": others_project.pk}).status_code == 403
        mine.refresh_from_db()
        assert (mine.actual_date, mine.note) == (None, "已完成需求调研")

    def test_reports_on_own_projects_only(self, api, liaison, own_project, others_project):
        api.as_user(liaison)
        response = api.post("/api/v1/progress-reports/", report_data(own_project), format="json")
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "submitted"
        assert response.json()["submitted_by"] == liaison.pk
        assert api.post("/api/v1/progress-reports/", report_data(others_project), format="json").status_code == 403

    def test_cannot_review_reports(self, api, liaison, own_project):
        report = ProgressReportFactory(project=own_project)
        assert api.as_user(liaison).post(f"/api/v1/progress-reports/{report.pk}/approve/").status_code == 403
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED

    def test_cannot_touch_reference_data_or_money(self, api, liaison, own_project):
        api.as_user(liaison)
        funding = FundingFactory(project=own_project)
        assert api.patch(f"/api/v1/fundings/{funding.pk}/", {"planned": 1}).status_code == 403
        assert api.post("/api/v1/domains/", {"code": "x", "name": "智慧X", "group": "industry"}).status_code == 403
        assert api.post("/api/v1/organizations/", {"name": "新单位", "kind": "other"}).status_code == 403

    def test_records_values_of_indicators_their_unit_owns(self, api, liaison, unit, other_unit):
        api.as_user(liaison)
        own, others = IndicatorFactory(responsible_org=unit), IndicatorFactory(responsible_org=other_unit)
        value = {"period": "2026-10", "value": 42}
        assert api.post("/api/v1/indicator-values/", {**value, "indicator": own.pk}).status_code == 201
        assert api.post("/api/v1/indicator-values/", {**value, "indicator": others.pk}).status_code == 403


def every_object():
    """One of everything, and for each endpoint a valid body to create one more."""
    project = ProjectFactory()
    source = FundingSourceFactory()
    indicator = IndicatorFactory()
    plan = PlanFactory()
    return {
        "organizations": (OrganizationFactory(), {"name": "新单位", "kind": "other"}),
        "domains": (DomainFactory(), {"code": "new", "name": "智慧新领域", "group": "industry"}),
        "plans": (plan, {"title": "新行动计划", "kind": "action_plan", "first_year": 2026, "last_year": 2026}),
        "projects": (
            project,
            {
                "code": "NEW-9",
                "name": "新项目",
                "domain": project.domain_id,
                "lead_org": project.lead_org_id,
                "planned_start": "2026-01-01",
                "planned_end": "2026-12-31",
            },
        ),
        "milestones": (
            MilestoneFactory(project=project),
            {"project": project.pk, "name": "竣工验收", "weight": 10, "planned_date": "2026-12-31"},
        ),
        "progress-reports": (ProgressReportFactory(project=project), report_data(project, "2026-09")),
        "funding-sources": (source, {"code": "new", "name": "新来源", "is_government": False}),
        "fundings": (
            FundingFactory(project=project, source=source),
            {"project": project.pk, "source": source.pk, "year": 2027, "planned": 10},
        ),
        "indicators": (
            indicator,
            {"plan": plan.pk, "name": "新指标", "target": 1, "responsible_org": project.lead_org_id},
        ),
        "indicator-values": (
            IndicatorValueFactory(indicator=indicator),
            {"indicator": indicator.pk, "period": "2026-01", "value": 1},
        ),
    }


@pytest.mark.parametrize("role_fixture", ["leader", "committee_user"])
def test_readers_read_everything_and_change_nothing(request, api, role_fixture):
    api.as_user(request.getfixturevalue(role_fixture))
    for endpoint, (obj, new) in every_object().items():
        detail = f"/api/v1/{endpoint}/{obj.pk}/"
        assert api.get(f"/api/v1/{endpoint}/").status_code == 200, endpoint
        assert api.get(detail).status_code == 200, endpoint
        assert api.post(f"/api/v1/{endpoint}/", new, format="json").status_code == 403, endpoint
        assert api.patch(detail, {}, format="json").status_code == 403, endpoint
        assert api.put(detail, new, format="json").status_code == 403, endpoint
        assert api.delete(detail).status_code == 403, endpoint
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_leader_cannot_review(api, leader):
    report = ProgressReportFactory()
    api.as_user(leader)
    assert api.post(f"/api/v1/progress-reports/{report.pk}/approve/").status_code == 403
    assert api.post(f"/api/v1/progress-reports/{report.pk}/return/", {"comment": "不行"}).status_code == 403


def test_office_creates_changes_and_deletes_everything(api, office_user):
    api.as_user(office_user)
    for endpoint, (_, new) in every_object().items():
        created = api.post(f"/api/v1/{endpoint}/", new, format="json")
        assert created.status_code == 201, (endpoint, created.content)
        detail = f"/api/v1/{endpoint}/{created.json()['id']}/"
        assert api.patch(detail, {}, format="json").status_code == 200, endpoint
        assert api.delete(detail).status_code == 204, endpoint


def test_change_history_records_the_api_user(api, office_user):
    project = ProjectFactory()
    api.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(office_user)[1]}")
    api.patch(f"/api/v1/projects/{project.pk}/", {"planned_end": datetime.date(2027, 3, 31).isoformat()}, format="json")
    change = project.history.first()
    assert change.history_type == "~"
    assert change.history_user == office_user
    assert change.diff_against(change.prev_record).changed_fields == ["planned_end"]
