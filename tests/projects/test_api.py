"""The API contract: addresses, field names, codes, pagination, filters, ordering, authentication, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.choices import Health, ProjectStatus, ReportStatus
from tests.factories import (
    DomainFactory,
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "organizations",
    "domains",
    "plans",
    "projects",
    "milestones",
    "progress-reports",
    "funding-sources",
    "fundings",
    "indicators",
    "indicator-values",
]


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


class TestAuthentication:
    def test_token_for_username_and_password_then_me(self, api, liaison, unit):
        response = api.post("/api/v1/auth/token/", {"username": liaison.username, "password": "pass-2026-word"})
        assert response.status_code == 200
        token = response.json()["token"]
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        me = api.get("/api/v1/me/").json()
        assert me["username"] == liaison.username
        assert me["roles"] == ["liaison"]
        assert me["organization"] == unit.pk

    def test_wrong_password_gets_no_token(self, api, liaison):
        response = api.post("/api/v1/auth/token/", {"username": liaison.username, "password": "wrong"})
        assert response.status_code == 400
        assert "token" not in response.json()

    @pytest.mark.parametrize("endpoint", [*ENDPOINTS, "me"])
    def test_anonymous_is_refused(self, api, endpoint):
        response = api.get(f"/api/v1/{endpoint}/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_browser_session_works(self, client, leader):
        client.force_login(leader)
        assert client.get("/api/v1/projects/").status_code == 200

    def test_user_without_role_reads_nothing(self, api, db):
        from tests.factories import UserFactory

        assert api.as_user(UserFactory()).get("/api/v1/projects/").status_code == 403


class TestProjectContract:
    def test_fields_and_codes(self, api, leader):
        plan = PlanFactory()
        project = ProjectFactory(tier="national_pilot", investment_model="ppp", total_investment=Decimal("1234.50"))
        project.plans.add(plan)
        MilestoneFactory(project=project, weight=100, planned_date=datetime.date(2020, 1, 1))
        row = results(api.as_user(leader).get("/api/v1/projects/"))[0]
        assert set(row) == {
            "id", "code", "name", "plans", "domain", "tier", "lead_org", "region", "location", "participating_orgs",
            "investment_model",
            "total_investment", "planned_start", "planned_end", "actual_start", "actual_end", "status", "parent",
            "description", "accepted_on", "is_published", "progress", "planned_progress", "progress_lag",
            "late_milestones", "days_late", "health", "warnings", "version", "archived_at",
            "created", "last_updated",
        }  # fmt: skip
        assert row["plans"] == [plan.pk]
        assert row["domain"] == project.domain_id
        assert row["lead_org"] == project.lead_org_id
        assert (row["tier"], row["investment_model"], row["status"]) == ("national_pilot", "ppp", "in_progress")
        assert row["total_investment"] == 1234.5
        assert row["planned_start"] == "2026-01-01"
        assert (row["progress"], row["planned_progress"], row["health"]) == (0.0, 100.0, "red")
        assert row["late_milestones"] == 1
        assert row["warnings"] == []

    def test_pagination(self, api, leader):
        ProjectFactory.create_batch(7)
        page = api.as_user(leader).get("/api/v1/projects/", {"page_size": 3, "page": 2}).json()
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == 7
        assert len(page["results"]) == 3
        assert "page=3" in page["next"] and page["previous"]

    def test_page_size_is_capped_at_500(self, api, leader):
        ProjectFactory.create_batch(2)
        assert api.as_user(leader).get("/api/v1/projects/", {"page_size": 10_000}).status_code == 200

    def test_filters(self, api, leader, unit):
        plan, domain = PlanFactory(), DomainFactory(group="infrastructure")
        wanted = ProjectFactory(
            lead_org=unit, domain=domain, tier="pilot", status=ProjectStatus.PREPARING, name="智慧水务综合管理平台"
        )
        wanted.plans.add(plan)
        ProjectFactory(planned_start=datetime.date(2024, 1, 1), planned_end=datetime.date(2024, 12, 31))
        ProjectFactory(name="智慧城管")
        api.as_user(leader)

        def codes(**params):
            return {row["code"] for row in results(api.get("/api/v1/projects/", params))}

        assert codes(status="preparing") == {wanted.code}
        assert codes(domain=domain.pk) == {wanted.code}
        assert codes(domain_group="infrastructure") == {wanted.code}
        assert codes(tier="pilot") == {wanted.code}
        assert codes(lead_org=unit.pk) == {wanted.code}
        assert codes(plan=plan.pk) == {wanted.code}
        assert codes(search="水务 平台") == {wanted.code}
        assert codes(search=wanted.code.lower()) == {wanted.code}
        assert len(codes(year=2026)) == 2
        assert len(codes(year=2024)) == 1

    def test_filter_by_health_and_late_milestones(self, api, leader):
        late = ProjectFactory()
        MilestoneFactory(project=late, planned_date=datetime.date(2020, 1, 1))
        ProjectFactory(status=ProjectStatus.COMPLETED)
        api.as_user(leader)
        assert [r["code"] for r in results(api.get("/api/v1/projects/", {"health": "red"}))] == [late.code]
        assert [r["code"] for r in results(api.get("/api/v1/projects/", {"has_late_milestones": "true"}))] == [
            late.code
        ]

    def test_invalid_filter_value_is_a_400(self, api, leader):
        response = api.as_user(leader).get("/api/v1/projects/", {"health": "purple"})
        assert response.status_code == 400
        assert "health" in response.json()

    def test_ordering_by_derived_progress(self, api, leader):
        for progress in ("30.0", "80.0", "55.0"):
            ProgressReportFactory(project=ProjectFactory(), progress=Decimal(progress), status=ReportStatus.APPROVED)
        rows = results(api.as_user(leader).get("/api/v1/projects/", {"ordering": "-progress"}))
        assert [row["progress"] for row in rows] == [80.0, 55.0, 30.0]


class TestOtherEndpoints:
    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_each_list_answers(self, api, leader, endpoint):
        assert api.as_user(leader).get(f"/api/v1/{endpoint}/").status_code == 200

    def test_milestone_lateness(self, api, leader):
        milestone = MilestoneFactory(planned_date=datetime.date(2020, 1, 1))
        row = results(api.as_user(leader).get("/api/v1/milestones/", {"is_late": "true"}))[0]
        assert (row["id"], row["is_late"]) == (milestone.pk, True)
        assert row["days_late"] > 2000

    def test_indicator_attainment(self, api, leader):
        indicator = IndicatorFactory(target=Decimal("6000"))
        IndicatorValueFactory(indicator=indicator, period="2014-12", value=Decimal("7400"))
        row = api.as_user(leader).get(f"/api/v1/indicators/{indicator.pk}/").json()
        assert (row["latest_value"], row["latest_period"], row["attainment"]) == (7400.0, "2014-12", 123.3)

    def test_funding_filters(self, api, leader):
        government = FundingFactory(year=2026)
        FundingFactory(year=2026, source__is_government=False)
        FundingFactory(year=2025)
        api.as_user(leader)
        assert len(results(api.get("/api/v1/fundings/", {"year": 2026}))) == 2
        assert [r["id"] for r in results(api.get("/api/v1/fundings/", {"year": 2026, "is_government": "true"}))] == [
            government.pk
        ]

    def test_report_filters(self, api, leader, unit):
        mine = ProgressReportFactory(project__lead_org=unit, period="2026-05")
        ProgressReportFactory(period="2025-05", status=ReportStatus.APPROVED)
        api.as_user(leader)
        assert [r["id"] for r in results(api.get("/api/v1/progress-reports/", {"lead_org": unit.pk}))] == [mine.pk]
        assert [r["id"] for r in results(api.get("/api/v1/progress-reports/", {"year": 2026}))] == [mine.pk]
        assert [r["id"] for r in results(api.get("/api/v1/progress-reports/", {"status": "submitted"}))] == [mine.pk]


class TestValidation:
    def post_project(self, api, user, **changes):
        data = {
            "code": "X-1",
            "name": "智慧城管",
            "domain": DomainFactory().pk,
            "lead_org": user.organization_id,
            "total_investment": 100,
            "planned_start": "2026-01-01",
            "planned_end": "2026-12-31",
            **changes,
        }
        return api.as_user(user).post("/api/v1/projects/", data, format="json")

    def test_negative_investment_is_400_on_the_field(self, api, office_user):
        response = self.post_project(api, office_user, total_investment=-5)
        assert response.status_code == 400
        assert list(response.json()) == ["total_investment"]

    def test_end_before_start_is_400(self, api, office_user):
        response = self.post_project(api, office_user, planned_start="2026-06-01", planned_end="2026-01-01")
        assert response.status_code == 400
        assert "non_field_errors" in response.json()

    def test_duplicate_code_is_400(self, api, office_user):
        ProjectFactory(code="X-1")
        response = self.post_project(api, office_user)
        assert response.status_code == 400
        assert "code" in response.json()

    def test_duplicate_report_period_is_400(self, api, office_user):
        report = ProgressReportFactory()
        response = api.as_user(office_user).post(
            "/api/v1/progress-reports/",
            {"project": report.project_id, "period": report.period, "progress": 10, "summary": "重复"},
            format="json",
        )
        assert response.status_code == 400

    def test_progress_over_100_is_400(self, api, office_user):
        response = api.as_user(office_user).post(
            "/api/v1/progress-reports/",
            {"project": ProjectFactory().pk, "period": "2026-06", "progress": 101, "summary": "超出"},
            format="json",
        )
        assert response.status_code == 400
        assert "progress" in response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_cost_a_constant_number_of_queries(api, leader, endpoint):
    def make(n):
        for _ in range(n):
            project = ProjectFactory()
            project.plans.add(PlanFactory())
            MilestoneFactory(project=project)
            ProgressReportFactory(project=project, status=ReportStatus.APPROVED)
            FundingFactory(project=project)
            indicator = IndicatorFactory()
            indicator.projects.add(project)
            IndicatorValueFactory(indicator=indicator)

    api.as_user(leader)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/{endpoint}/", {"page_size": 100}).status_code == 200
        return len(queries)

    make(2)
    count_queries()  # the first request also loads the user's permissions
    few = count_queries()
    make(20)
    assert count_queries() == few
    assert few <= 8


def test_health_values_are_the_documented_codes(api, leader):
    ProjectFactory()
    assert results(api.as_user(leader).get("/api/v1/projects/"))[0]["health"] in Health.values


def test_schema_and_docs_are_served_locally(client, leader):
    client.force_login(leader)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/projects/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"//cdn" not in docs.content and b"https://" not in docs.content
