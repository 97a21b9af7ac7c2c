"""验收 goes with its report: acceptance is requested, confirmed and recorded by the office only while the project's
file holds an acceptance report (验收报告), on the page, through the API and in the services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attachments import services as attachment_services
from common.exceptions import ActionForbidden, WorkflowError
from projects import services
from projects.choices import ChangeRequestKind, ChangeRequestStatus, ProjectStatus
from projects.models import Project
from projects.resources import ProjectResource
from reports.imports import run_import
from tests.factories import ProjectFactory
from tests.formdata import project_post
from tests.imports.conftest import edit_xlsx, export_xlsx

from .support import add_document, document, upload_acceptance_report

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NO_REPORT = "请先在"  # …的项目档案中上传验收报告，再申请验收


@pytest.fixture
def completed(unit):
    return ProjectFactory(
        code="ZH-DONE-1",
        name="政务服务一网通办",
        lead_org=unit,
        status=ProjectStatus.COMPLETED,
        actual_start=TODAY - datetime.timedelta(days=300),
        actual_end=TODAY - datetime.timedelta(days=20),
    )


def ask(actor, project):
    return services.completion_request(
        actor=actor, project=project, kind=ChangeRequestKind.ACCEPTANCE, effective_on=TODAY, reason="已通过专家验收。"
    )


def test_the_service_refuses_acceptance_without_the_report_and_takes_it_with(liaison, completed):
    with pytest.raises(WorkflowError) as refused:
        ask(liaison, completed)
    assert NO_REPORT in str(refused.value.message) and "验收报告" in str(refused.value.message)
    assert not completed.change_requests.exists()
    add_document(completed, "other", name="验收会议纪要.pdf", issued_on=None)  # another kind does not count
    with pytest.raises(WorkflowError):
        ask(liaison, completed)

    upload_acceptance_report(completed, actor=liaison)
    assert ask(liaison, completed).status == ChangeRequestStatus.PENDING


def test_the_office_confirms_only_while_the_report_is_still_in_the_file(liaison, office_user, completed):
    report = upload_acceptance_report(completed, actor=liaison)
    request = ask(liaison, completed)
    attachment_services.remove(actor=liaison, attachment=report)

    with pytest.raises(WorkflowError) as refused:
        services.change_request_confirm(actor=office_user, request=request)
    assert "已无验收报告" in str(refused.value.message)
    completed.refresh_from_db()
    assert (completed.status, completed.accepted_on) == (ProjectStatus.COMPLETED, None)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PENDING  # the office may return it, or wait for the report

    upload_acceptance_report(completed, actor=liaison)
    services.change_request_confirm(actor=office_user, request=request)
    completed.refresh_from_db()
    assert (completed.status, completed.accepted_on) == (ProjectStatus.ACCEPTED, TODAY)


def test_the_report_an_acceptance_was_confirmed_on_stays_in_the_file(api, client, liaison, office_user, completed):
    """Once the office has confirmed acceptance, nobody takes its report away: not the unit (page, API, service), not
    the office; the file says why where the remove button was. The file's other documents still come and go."""
    report = upload_acceptance_report(completed, actor=liaison)
    contract = add_document(completed, "contract", actor=liaison, name="合同.pdf")
    services.change_request_confirm(actor=office_user, request=ask(liaison, completed))

    for actor in (liaison, office_user):
        with pytest.raises(ActionForbidden) as refused:
            attachment_services.remove(actor=actor, attachment=report)
        assert "已据此验收报告确认验收" in str(refused.value.message)
    client.force_login(liaison)
    assert client.post(reverse("attachment-remove", args=[report.pk])).status_code == 403
    assert api.as_user(liaison).delete(f"/api/v1/attachments/{report.pk}/").status_code == 403
    assert completed.attachments.filter(pk=report.pk).exists()

    panel = client.get(completed.get_absolute_url()).content.decode()
    assert panel.count("已据此验收报告确认验收") == 1
    assert reverse("attachment-remove", args=[report.pk]) not in panel
    assert reverse("attachment-remove", args=[contract.pk]) in panel
    attachment_services.remove(actor=liaison, attachment=contract)
    assert list(completed.attachments.values_list("pk", flat=True)) == [report.pk]


def test_the_offices_own_acceptance_needs_the_report_too(office_user, completed):
    with pytest.raises(WorkflowError):
        ask(office_user, completed)
    upload_acceptance_report(completed)
    assert ask(office_user, completed).status == ChangeRequestStatus.CONFIRMED
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.ACCEPTED


def test_the_api_answers_409_with_the_message_until_the_report_is_uploaded(api, liaison, office_user, completed):
    url = f"/api/v1/projects/{completed.pk}/acceptance/"
    refused = api.as_user(liaison).post(url, {"effective_on": TODAY.isoformat()}, format="json")
    assert refused.status_code == 409 and NO_REPORT in str(refused.json())

    uploaded = api.post(
        reverse("api:project-attachments", args=[completed.pk]),
        {"file": [document("验收报告（签章版）.pdf", seed=77)], "kind": "acceptance", "issued_on": TODAY.isoformat()},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    asked = api.post(url, {"effective_on": TODAY.isoformat()}, format="json")
    assert asked.status_code == 201, asked.content
    confirmed = api.as_user(office_user).post(f"/api/v1/project-change-requests/{asked.json()['id']}/confirm/")
    assert confirmed.status_code == 200
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.ACCEPTED


def test_the_page_tells_the_unit_to_upload_the_report_first(client, liaison, completed):
    client.force_login(liaison)
    page = client.get(completed.get_absolute_url()).content.decode()
    assert "申请验收前，请先在下方项目档案中上传验收报告" in page

    response = client.post(
        reverse("change-request-add", args=[completed.pk]),
        {"kind": "acceptance", "effective_on": TODAY.isoformat(), "reason": "已验收"},
        follow=True,
    )
    assert NO_REPORT in response.content.decode() and not completed.change_requests.exists()

    upload_acceptance_report(completed, actor=liaison)
    page = client.get(completed.get_absolute_url()).content.decode()
    assert "申请验收前" not in page
    client.post(
        reverse("change-request-add", args=[completed.pk]),
        {"kind": "acceptance", "effective_on": TODAY.isoformat(), "reason": "已验收"},
    )
    assert completed.change_requests.get().status == ChangeRequestStatus.PENDING


def test_the_office_recording_acceptance_directly_needs_the_report(api, client, office_user, completed):
    """Office staff write a project's status themselves (form, API, import): acceptance still needs its report."""
    api.as_user(office_user)
    url = f"/api/v1/projects/{completed.pk}/"
    change = {"status": "accepted", "accepted_on": TODAY.isoformat()}
    refused = api.patch(url, change, format="json")
    assert refused.status_code == 400 and "验收报告" in str(refused.json()["status"])

    client.force_login(office_user)
    form = client.post(reverse("project-edit", args=[completed.pk]), project_post(completed, **change))
    assert form.status_code == 200 and "验收报告" in str(form.context["form"].errors["status"])
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.COMPLETED

    upload_acceptance_report(completed)
    assert api.patch(url, change, format="json").status_code == 200
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.ACCEPTED
    # Other edits of an accepted project stay the office's own, without asking again.
    assert api.patch(url, {"description": "已通过竣工验收。"}, format="json").status_code == 200


def test_a_project_created_as_accepted_has_no_file_to_check(api, office_user, completed):
    """Projects accepted before the platform came are entered as they stand; the rule holds from then on."""
    body = {
        "code": "ZH-OLD-1",
        "name": "历史项目",
        "domain": completed.domain_id,
        "tier": "general",
        "lead_org": completed.lead_org_id,
        "investment_model": "government",
        "total_investment": "100",
        "planned_start": "2020-01-01",
        "planned_end": "2020-12-31",
        "actual_start": "2020-01-01",
        "actual_end": "2020-12-01",
        "status": "accepted",
        "accepted_on": "2020-12-20",
    }
    created = api.as_user(office_user).post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.content


def test_an_import_recording_acceptance_without_the_report_is_refused_on_its_row(office_user, completed):
    """The office's import saves through the same service: the row is refused with the message, nothing is saved."""
    resource = ProjectResource(year=TODAY.year)
    data = export_xlsx(resource, Project.objects.with_figures().filter(pk=completed.pk))
    edited = edit_xlsx(data, "项目名称", "项目编号", {("ZH-DONE-1", "状态"): "已验收"})
    outcome = run_import(key="projects", user=office_user, data=edited, dry_run=False)
    assert outcome.updated == 0 and "验收报告" in str(outcome.errors)
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.COMPLETED

    upload_acceptance_report(completed)
    outcome = run_import(key="projects", user=office_user, data=edited, dry_run=False)
    assert (outcome.updated, outcome.errors) == (1, [])
    assert Project.objects.get(pk=completed.pk).status == ProjectStatus.ACCEPTED
