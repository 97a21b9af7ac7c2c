"""Nobody grades their own homework: what moves a project's health, 序时进度 and its unit's scorecard — completion,
acceptance, publication, the confirmed plan (dates, investment, tier, lead unit, parent, milestones), milestones
reached — is asked for by the unit and confirmed by the office, in every path (form, API, admin)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import services
from projects.choices import ChangeRequestStatus, ProjectStatus, ReportStatus
from projects.models import Milestone, ProgressReport, Project, period_of
from tests.attachments.support import upload_acceptance_report
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
)
from tests.formdata import formset_data, project_post

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

TODAY = timezone.localdate()


def figures(project):
    return Project.objects.with_figures().get(pk=project.pk)


@pytest.fixture
def pilot(unit):
    """ZH-PILOT-10 工业经济数据库: 47% done by an approved report, three quarters of its milestones due by now, so
    that moving a due milestone out would wipe out its lag."""
    project = ProjectFactory(
        code="ZH-PILOT-10",
        lead_org=unit,
        status=ProjectStatus.IN_PROGRESS,
        planned_start=TODAY - datetime.timedelta(days=600),
        planned_end=TODAY + datetime.timedelta(days=200),
        actual_start=TODAY - datetime.timedelta(days=590),
    )
    for name, days, reached in (
        ("方案编制", -500, True),
        ("招投标", -300, True),
        ("上线试运行", -30, False),
        ("验收", 150, False),
    ):
        planned = TODAY + datetime.timedelta(days=days)
        MilestoneFactory(
            project=project, name=name, weight=25, planned_date=planned, actual_date=planned if reached else None
        )
    ProgressReportFactory(
        project=project, period=period_of(TODAY - datetime.timedelta(days=40)), progress=Decimal("47.0"),
        status=ReportStatus.APPROVED,
    )  # fmt: skip
    return project


def test_a_unit_cannot_complete_or_publish_its_own_project(api, liaison, pilot):
    api.as_user(liaison)
    for change in ({"status": "completed"}, {"status": "accepted"}, {"is_published": True}):
        response = api.patch(f"/api/v1/projects/{pilot.pk}/", change, format="json")
        assert response.status_code == 403, change
    assert (figures(pilot).progress, figures(pilot).status, figures(pilot).is_published) == (47.0, "in_progress", False)
    # Starting work is the unit's own to record.
    pilot.status = ProjectStatus.PREPARING
    pilot.save()
    assert api.patch(f"/api/v1/projects/{pilot.pk}/", {"status": "in_progress"}, format="json").status_code == 200


def test_completion_is_asked_for_and_confirmed_by_the_office(api, liaison, office_user, pilot):
    asked = api.as_user(liaison).post(
        f"/api/v1/projects/{pilot.pk}/completion/",
        {"effective_on": (TODAY - datetime.timedelta(days=3)).isoformat(), "reason": "系统已上线并通过试运行。"},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "pending"
    assert figures(pilot).progress == 47.0  # nothing moves on the unit's word
    again = api.post(f"/api/v1/projects/{pilot.pk}/completion/", {"effective_on": TODAY.isoformat()}, format="json")
    assert again.status_code == 409
    assert api.post(f"/api/v1/project-change-requests/{asked.json()['id']}/confirm/").status_code == 403

    confirmed = api.as_user(office_user).post(f"/api/v1/project-change-requests/{asked.json()['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["decided_by"] == office_user.pk
    pilot.refresh_from_db()
    assert (pilot.status, pilot.actual_end) == (ProjectStatus.COMPLETED, TODAY - datetime.timedelta(days=3))
    assert figures(pilot).progress == 100.0
    assert pilot.history.latest().history_user == office_user

    # Acceptance follows completion, with its own date and the acceptance report in the project's file.
    upload_acceptance_report(pilot, actor=liaison)
    accepted = api.as_user(liaison).post(
        f"/api/v1/projects/{pilot.pk}/acceptance/", {"effective_on": TODAY.isoformat()}, format="json"
    )
    assert accepted.status_code == 201
    api.as_user(office_user).post(f"/api/v1/project-change-requests/{accepted.json()['id']}/confirm/")
    pilot.refresh_from_db()
    assert (pilot.status, pilot.accepted_on) == (ProjectStatus.ACCEPTED, TODAY)


def test_acceptance_waits_for_completion(api, liaison, pilot):
    response = api.as_user(liaison).post(
        f"/api/v1/projects/{pilot.pk}/acceptance/", {"effective_on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 409


def test_moving_a_due_milestone_out_changes_nothing_until_the_office_confirms(api, liaison, office_user, pilot):
    before = figures(pilot)
    assert (before.planned_progress, before.progress_lag) == (75.0, 28.0)
    due = pilot.milestones.get(name="上线试运行")
    api.as_user(liaison)
    assert api.patch(f"/api/v1/milestones/{due.pk}/", {"planned_date": "2030-01-01"}).status_code == 403
    assert api.delete(f"/api/v1/milestones/{due.pk}/").status_code == 403
    assert api.patch(f"/api/v1/milestones/{due.pk}/", {"weight": 5}).status_code == 403
    assert api.patch(f"/api/v1/projects/{pilot.pk}/", {"planned_end": "2030-12-31"}).status_code == 403
    assert api.patch(f"/api/v1/projects/{pilot.pk}/", {"tier": "general"}).status_code == 403

    asked = api.post(
        f"/api/v1/projects/{pilot.pk}/plan-changes/",
        {
            "reason": "数据源单位调整，上线推迟。",
            "fields": {"planned_end": "2030-12-31"},
            "milestones": [{"action": "change", "id": due.pk, "planned_date": "2030-01-01"}],
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content
    assert figures(pilot).planned_progress == 75.0 and figures(pilot).health == before.health
    lines = asked.json()["lines"]
    assert any("2030-01-01" in line[2] for line in lines) and any("2030-12-31" in line[2] for line in lines)

    api.as_user(office_user).post(f"/api/v1/project-change-requests/{asked.json()['id']}/confirm/")
    due.refresh_from_db()
    assert due.planned_date == datetime.date(2030, 1, 1)
    assert figures(pilot).planned_progress == 50.0


def test_a_request_made_on_a_plan_that_has_moved_since_is_not_confirmed(api, liaison, office_user, pilot):
    made = services.plan_change_request(
        actor=liaison, project=pilot, fields={"total_investment": Decimal("1500")}, reason="追加建设内容。"
    )
    Project.objects.filter(pk=pilot.pk).update(total_investment=Decimal("1200"))
    response = api.as_user(office_user).post(f"/api/v1/project-change-requests/{made.pk}/confirm/")
    assert response.status_code == 409
    pilot.refresh_from_db()
    assert pilot.total_investment == Decimal("1200")


def test_a_return_needs_its_reason_and_a_withdrawal_is_the_units(api, liaison, other_liaison, office_user, pilot):
    made = services.plan_change_request(actor=liaison, project=pilot, fields={"tier": "pilot"}, reason="改为试点。")
    api.as_user(office_user)
    assert api.post(f"/api/v1/project-change-requests/{made.pk}/return/", {}).status_code == 400
    returned = api.post(f"/api/v1/project-change-requests/{made.pk}/return/", {"note": "依据不足"})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    pilot.refresh_from_db()
    assert pilot.tier == "key"

    again = services.plan_change_request(actor=liaison, project=pilot, fields={"tier": "pilot"}, reason="补充依据。")
    assert api.as_user(other_liaison).post(f"/api/v1/project-change-requests/{again.pk}/withdraw/").status_code == 403
    assert api.as_user(liaison).post(f"/api/v1/project-change-requests/{again.pk}/withdraw/").status_code == 200
    again.refresh_from_db()
    assert again.status == ChangeRequestStatus.WITHDRAWN


def test_the_offices_own_plan_change_is_confirmed_at_once(api, office_user, pilot):
    response = api.as_user(office_user).post(
        f"/api/v1/projects/{pilot.pk}/plan-changes/",
        {"reason": "领导小组会议决定。", "fields": {"tier": "national_pilot"}},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    pilot.refresh_from_db()
    assert pilot.tier == "national_pilot"


def test_a_lower_progress_needs_its_reason(api, liaison, pilot):
    report = {
        "project": pilot.pk,
        "period": period_of(TODAY),
        "progress": "40.0",
        "investment_completed": "0",
        "summary": "复核后调减。",
    }
    api.as_user(liaison)
    refused = api.post("/api/v1/progress-reports/", report, format="json")
    assert refused.status_code == 400 and "47" in str(refused.json()["decline_reason"])
    taken = api.post(
        "/api/v1/progress-reports/", {**report, "decline_reason": "原报进度含未验收工程量。"}, format="json"
    )
    assert taken.status_code == 201


def test_milestones_reached_are_dated_by_the_offices_approval(api, liaison, office_user, pilot):
    due = pilot.milestones.get(name="上线试运行")
    reached = (TODAY - datetime.timedelta(days=2)).isoformat()
    filed = api.as_user(liaison).post(
        "/api/v1/progress-reports/",
        {
            "project": pilot.pk,
            "period": period_of(TODAY),
            "progress": "60.0",
            "investment_completed": "30",
            "summary": "系统上线试运行。",
            "completions": [{"milestone": due.pk, "actual_date": reached}],
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["completions"] == [{"milestone": due.pk, "actual_date": reached}]
    due.refresh_from_db()
    assert due.actual_date is None and figures(pilot).late_milestones == 1

    api.as_user(office_user).post(f"/api/v1/progress-reports/{filed.json()['id']}/approve/")
    due.refresh_from_db()
    assert due.actual_date == datetime.date.fromisoformat(reached)
    assert due.history.latest().history_user == office_user
    assert figures(pilot).late_milestones == 0


def test_a_milestone_of_another_project_or_a_future_day_is_not_reported_reached(api, liaison, pilot, unit):
    other = MilestoneFactory(project=ProjectFactory(lead_org=unit))
    own = pilot.milestones.get(name="验收")
    base = {
        "project": pilot.pk,
        "period": period_of(TODAY),
        "progress": "50.0",
        "investment_completed": "0",
        "summary": "按计划推进。",
    }
    api.as_user(liaison)
    for completion in (
        {"milestone": other.pk, "actual_date": TODAY.isoformat()},
        {"milestone": own.pk, "actual_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
    ):
        response = api.post("/api/v1/progress-reports/", {**base, "completions": [completion]}, format="json")
        assert response.status_code == 400, completion
    assert not ProgressReport.objects.filter(period=period_of(TODAY)).exists()


def test_the_reporting_page_names_milestones_reached_and_asks_why_progress_fell(client, liaison, pilot):
    due = pilot.milestones.get(name="上线试运行")
    client.force_login(liaison)
    prefix = f"p{pilot.pk}"
    data = {
        f"{prefix}-progress": "45.0",
        f"{prefix}-investment_completed": "10",
        f"{prefix}-summary": "上线试运行。",
        f"{prefix}-reached_{due.pk}": TODAY.isoformat(),
    }
    page = client.post("/progress/report/", data)
    assert page.status_code == 200
    assert "47" in str(page.context["rows"][0]["form"].errors["decline_reason"])
    assert client.post("/progress/report/", {**data, f"{prefix}-decline_reason": "数据口径调整。"}).status_code == 302
    report = ProgressReport.objects.get(project=pilot, period=period_of(TODAY))
    assert list(report.completions.values_list("milestone", "actual_date")) == [(due.pk, TODAY)]


def test_the_form_keeps_milestone_weights_at_one_hundred(client, office_user, pilot):
    client.force_login(office_user)
    data = project_post(pilot)
    data["milestones-0-weight"] = "35"  # 35 + 25 + 25 + 25 = 110
    response = client.post(f"/projects/{pilot.pk}/edit/", data)
    assert response.status_code == 200
    assert "110" in str(response.context["formsets"]["milestones"].non_form_errors())
    assert sorted(pilot.milestones.values_list("weight", flat=True)) == [25, 25, 25, 25]


def test_figures_that_do_not_add_up_are_flagged_where_rows_arrive_one_by_one(api, office_user, pilot):
    parent = ProjectFactory(code="ZH-07", total_investment=Decimal("960"))
    ProjectFactory(parent=parent, total_investment=Decimal("600"))
    ProjectFactory(parent=parent, total_investment=Decimal("500"))
    api.as_user(office_user)
    added = {"project": pilot.pk, "name": "运维移交", "weight": 10, "planned_date": "2027-06-30"}
    assert api.post("/api/v1/milestones/", added).status_code == 201
    FundingFactory(project=pilot, year=2026, planned=pilot.total_investment + 1, source=FundingSourceFactory())

    warnings = api.get(f"/api/v1/projects/{pilot.pk}/").json()["warnings"]
    assert any("110" in warning for warning in warnings)
    assert any("1001.00" in warning for warning in warnings)
    assert any("1100.00" in warning for warning in api.get(f"/api/v1/projects/{parent.pk}/").json()["warnings"])


def test_the_funding_table_refuses_a_year_above_the_total_investment(client, office_user, pilot):
    from projects.forms import FundingFormSet

    source = FundingSourceFactory()
    client.force_login(office_user)
    data = formset_data(FundingFormSet(instance=pilot, prefix="fundings"))
    data.update(
        {
            "fundings-TOTAL_FORMS": "1",
            "fundings-0-year": "2026",
            "fundings-0-source": str(source.pk),
            "fundings-0-planned": "1000.01",
            "fundings-0-allocated": "0",
            "fundings-0-disbursed": "0",
        }
    )
    response = client.post(f"/projects/{pilot.pk}/funding/", data)
    assert response.status_code == 200 and "2026" in str(response.context["formsets"]["fundings"].non_form_errors())
    assert not pilot.fundings.exists()


def test_the_admin_keeps_approved_reports_and_workflow_fields_read_only(client, office_user, pilot):
    office_user.is_staff = True
    office_user.save()
    report = pilot.progress_reports.get()
    client.force_login(office_user)
    change = f"/admin/projects/progressreport/{report.pk}/change/"
    assert client.get(change).status_code == 200  # readable
    assert client.post(change, {"progress": "5.0", "status": "approved"}).status_code == 403
    report.refresh_from_db()
    assert report.progress == Decimal("47.0")
    page = client.get(f"/admin/projects/project/{pilot.pk}/change/").content.decode()
    assert 'name="status"' not in page and 'name="actual_end"' not in page
    assert 'name="milestones-0-actual_date"' not in page


def test_a_milestone_change_of_name_stays_the_units_own(api, liaison, pilot):
    milestone = pilot.milestones.get(name="验收")
    response = api.as_user(liaison).patch(f"/api/v1/milestones/{milestone.pk}/", {"name": "竣工验收"})
    assert response.status_code == 200
    assert Milestone.objects.get(pk=milestone.pk).name == "竣工验收"
