"""The monthly report workflow: file, revise, approve or return; approval moves the project's progress."""

from decimal import Decimal

import pytest

from common.exceptions import ActionForbidden, WorkflowError
from projects import services
from projects.choices import ReportStatus
from projects.models import Project
from tests.factories import ProgressReportFactory

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


def progress_of(project):
    return Project.objects.with_figures().get(pk=project.pk).progress


def test_approval_moves_project_progress(api, office_user, unit):
    report = ProgressReportFactory(project__lead_org=unit, progress=Decimal("62.5"))
    assert progress_of(report.project) == 0
    response = api.as_user(office_user).post(f"/api/v1/progress-reports/{report.pk}/approve/", {"comment": "同意"})
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["reviewer"] == office_user.pk
    assert progress_of(report.project) == 62.5


def test_return_needs_a_reason_and_keeps_it(api, office_user):
    report = ProgressReportFactory()
    api.as_user(office_user)
    assert api.post(f"/api/v1/progress-reports/{report.pk}/return/", {}).status_code == 400
    response = api.post(f"/api/v1/progress-reports/{report.pk}/return/", {"comment": "投资完成额与拨付不符，请核实"})
    assert response.status_code == 200
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "投资完成额与拨付不符，请核实")


@pytest.mark.parametrize("status", [ReportStatus.APPROVED, ReportStatus.RETURNED])
def test_only_submitted_reports_can_be_reviewed(api, office_user, status):
    report = ProgressReportFactory(status=status, review_comment="已处理")
    response = api.as_user(office_user).post(f"/api/v1/progress-reports/{report.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["detail"]


def test_returned_report_revised_goes_back_for_review(api, liaison, unit):
    report = ProgressReportFactory(project__lead_org=unit, status=ReportStatus.RETURNED, review_comment="补充问题")
    response = api.as_user(liaison).patch(
        f"/api/v1/progress-reports/{report.pk}/", {"problems": "征地拆迁影响管线施工"}, format="json"
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.problems == "征地拆迁影响管线施工"
    assert report.submitted_by == liaison


def test_approved_report_can_no_longer_change(api, liaison, unit):
    report = ProgressReportFactory(project__lead_org=unit, status=ReportStatus.APPROVED)
    response = api.as_user(liaison).patch(f"/api/v1/progress-reports/{report.pk}/", {"progress": 99}, format="json")
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.progress == Decimal("40.0")


def test_services_refuse_the_wrong_actor(liaison, leader, unit):
    report = ProgressReportFactory(project__lead_org=unit)
    with pytest.raises(ActionForbidden):
        services.progress_report_approve(actor=liaison, report=report)
    with pytest.raises(ActionForbidden):
        services.progress_report_submit(actor=leader, report=report, data={"progress": Decimal("50")})


def test_return_without_reason_is_refused(office_user):
    with pytest.raises(WorkflowError):
        services.progress_report_return(actor=office_user, report=ProgressReportFactory(), comment="  ")


def test_review_is_recorded_in_history_with_the_actor_outside_any_request(office_user):
    report = services.progress_report_approve(actor=office_user, report=ProgressReportFactory())
    change = report.history.first()
    assert (change.status, change.history_user) == (ReportStatus.APPROVED, office_user)
