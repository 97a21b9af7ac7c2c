"""Every move of a monthly report is recorded as an event — who, when, the status before and after, the comment or
reason — whichever path made it (the reporting and review pages, the API, an import), as the proposals' steps are;
a refused move records nothing. The project page lists them beside each report's status (审核记录), the admin shows
them read-only, and every role may read them and none write them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from common.exceptions import WorkflowError
from projects import services
from projects.choices import ReportStatus
from projects.models import ProgressReport, ProgressReportEvent, period_of
from projects.selectors import current_period
from reports.imports import run_import
from tests.factories import MilestoneFactory, ProgressReportFactory, ProjectFactory, UserFactory

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

SUBMITTED, APPROVED, RETURNED = ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED
IMPORTED = "由智慧办导入更新"  # the note of a figure the office's import approves


def steps(report) -> list[tuple]:
    """The report's events, oldest first: (from, to, actor's username, note)."""
    events = ProgressReportEvent.objects.filter(report=report).select_related("actor").order_by("at", "pk")
    return [(event.from_status, event.to_status, event.actor.username, event.note) for event in events]


def running(unit, **values):
    today = timezone.localdate()
    return ProjectFactory(
        lead_org=unit,
        planned_start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=300),
        **values,
    )


def page_row(project, **values) -> dict:
    fields = {"progress": "45", "investment_completed": "20", "summary": "完成数据接入。", **values}
    return {f"p{project.pk}-{name}": value for name, value in fields.items()}


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([headers, *rows])
    return buffer.getvalue().encode("utf-8-sig")


# The pages


def test_the_reporting_page_records_each_report_filed_and_revised(client, liaison, unit, office_user):
    filed, revised = running(unit, code="EV-1"), running(unit, code="EV-2")
    period = current_period()
    returned = ProgressReportFactory(project=revised, period=period, status=RETURNED, review_comment="补充问题")
    client.force_login(liaison)

    response = client.post("/progress/report/", {**page_row(filed), **page_row(revised, progress="50")})

    assert response.status_code == 302
    assert steps(ProgressReport.objects.get(project=filed)) == [("", SUBMITTED, liaison.username, "")]
    assert steps(returned) == [(RETURNED, SUBMITTED, liaison.username, "")]


def test_a_page_refused_records_nothing(client, liaison, unit):
    project = running(unit)
    client.force_login(liaison)
    client.post("/progress/report/", page_row(project, progress="120"))
    assert not ProgressReportEvent.objects.exists()


def test_the_review_queue_records_approvals_and_returns_with_the_reason(client, office_user, unit):
    first, second, third = (ProgressReportFactory(project=running(unit)) for _ in range(3))
    client.force_login(office_user)

    client.post("/progress/review/", {"approve": first.pk})
    client.post("/progress/review/", {"selected": [second.pk, first.pk]})  # the first one again: refused
    client.post(f"/progress/{third.pk}/return/", {"comment": "投资数据与拨付记录不符。"})

    assert steps(first) == [(SUBMITTED, APPROVED, office_user.username, "")]
    assert steps(second) == [(SUBMITTED, APPROVED, office_user.username, "")]
    assert steps(third) == [(SUBMITTED, RETURNED, office_user.username, "投资数据与拨付记录不符。")]


# The API


def test_the_api_records_filing_revising_approving_and_returning(api, liaison, office_user, unit):
    project = running(unit)
    client = api.as_user(liaison)
    body = {"project": project.pk, "period": current_period(), "progress": "30", "summary": "完成方案。"}
    report_id = client.post("/api/v1/progress-reports/", body, format="json").json()["id"]
    report = ProgressReport.objects.get(pk=report_id)
    api.as_user(office_user).post(f"/api/v1/progress-reports/{report_id}/return/", {"comment": "补充附件"})
    api.as_user(liaison).patch(f"/api/v1/progress-reports/{report_id}/", {"problems": "无"}, format="json")
    api.as_user(office_user).post(f"/api/v1/progress-reports/{report_id}/approve/", {"comment": "同意"})

    assert steps(report) == [
        ("", SUBMITTED, liaison.username, ""),
        (SUBMITTED, RETURNED, office_user.username, "补充附件"),
        (RETURNED, SUBMITTED, liaison.username, ""),
        (SUBMITTED, APPROVED, office_user.username, "同意"),
    ]


def test_the_api_records_a_bulk_approval(api, office_user, unit):
    reports = [ProgressReportFactory(project=running(unit)) for _ in range(2)]
    api.as_user(office_user).post(
        "/api/v1/progress-reports/approve/", {"ids": [r.pk for r in reports], "comment": "同意"}, format="json"
    )
    assert [steps(report) for report in reports] == [[(SUBMITTED, APPROVED, office_user.username, "同意")]] * 2


def test_a_refused_move_records_nothing(office_user):
    report = ProgressReportFactory(status=APPROVED)
    with pytest.raises(WorkflowError):
        services.progress_report_approve(actor=office_user, report=report)
    with pytest.raises(WorkflowError):
        services.progress_report_submit(actor=office_user, report=report, data={"progress": Decimal("50")})
    assert not ProgressReportEvent.objects.exists()


def test_approval_dates_the_milestones_and_records_one_event(office_user, unit):
    project = running(unit)
    milestone = MilestoneFactory(project=project, planned_date=timezone.localdate())
    report = services.progress_report_submit(
        actor=office_user,
        data={"project": project, "period": current_period(), "progress": Decimal("20"), "summary": "完成招标。"},
        completions={milestone: timezone.localdate()},
    )
    services.progress_report_approve(actor=office_user, report=report)
    milestone.refresh_from_db()
    assert milestone.actual_date == timezone.localdate()
    assert [step[:2] for step in steps(report)] == [("", SUBMITTED), (SUBMITTED, APPROVED)]


# Imports


def test_an_import_of_reports_records_each_filing(liaison, unit):
    project = running(unit, code="EV-IMP-1")
    headers = ["项目编号", "报告期", "形象进度（%）", "本期完成投资（万元）", "本期进展"]
    data = csv_bytes(headers, [[project.code, current_period(), "35", "10", "完成部署。"]])

    assert run_import(key="reports", user=liaison, data=data, dry_run=True).errors == []
    assert not ProgressReportEvent.objects.exists()  # a preview moves nothing
    outcome = run_import(key="reports", user=liaison, data=data, dry_run=False)

    assert (outcome.created, outcome.errors) == (1, [])
    assert steps(ProgressReport.objects.get(project=project)) == [("", SUBMITTED, liaison.username, "")]


def test_an_import_of_projects_records_the_figure_it_approves(office_user, unit):
    fresh, filed = running(unit, code="EV-IMP-2"), running(unit, code="EV-IMP-3")
    period = period_of(timezone.localdate())
    waiting = ProgressReportFactory(project=filed, period=period, status=SUBMITTED)
    data = csv_bytes(["项目编号", "当前进度（%）"], [[fresh.code, "62.5"], [filed.code, "70"]])

    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)

    assert (outcome.updated, outcome.errors) == (2, [])
    assert steps(ProgressReport.objects.get(project=fresh)) == [("", APPROVED, office_user.username, IMPORTED)]
    assert steps(waiting) == [(SUBMITTED, APPROVED, office_user.username, IMPORTED)]


# Where they show


def test_the_project_page_lists_them_beside_the_reports_status(client, leader, office_user, liaison, unit):
    project = running(unit)
    report = services.progress_report_submit(
        actor=liaison,
        data={"project": project, "period": "2026-05", "progress": Decimal("20"), "summary": "完成招标。"},
    )
    services.progress_report_return(actor=office_user, report=report, comment="请补充投资完成情况。")
    client.force_login(leader)

    page = client.get(project.get_absolute_url()).content.decode()

    assert "审核记录" in page
    assert "请补充投资完成情况。" in page
    assert "已报送 → 已退回" in page


def test_the_project_page_reads_them_in_constant_queries(client, leader, office_user, unit):
    project = running(unit)

    def add_reports(months):
        for month in months:
            report = ProgressReportFactory(project=project, period=f"2025-{month:02d}")
            services.progress_report_return(actor=office_user, report=report, comment="补充")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(project.get_absolute_url()).status_code == 200
        return len(captured)

    client.force_login(leader)
    add_reports([1])
    few = queries()
    add_reports(range(2, 8))
    assert queries() == few


def test_the_admin_shows_them_read_only(client, office_user, unit):
    report = ProgressReportFactory(project=running(unit))
    services.progress_report_approve(actor=office_user, report=report, comment="同意")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/projects/progressreport/{report.pk}/change/").content.decode()

    assert "审核记录" in page and "同意" in page
    assert 'name="events-0-note"' not in page  # shown, not offered for editing


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LIAISON, Role.LEADER, Role.COMMITTEE, Role.SIGNER])
def test_every_role_reads_them_and_none_writes_them(role):
    codenames = set(
        Group.objects.get(name=role)
        .permissions.filter(content_type__model="progressreportevent")
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_progressreportevent"}
