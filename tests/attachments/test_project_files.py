"""A project's file (项目档案): documents by kind with their 文号 and date, listed by kind and date with the standard
kinds still missing; refused without what an office files them by, on the page, the API and the service."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attachments import services
from attachments.choices import AttachmentKind
from attachments.forms import AttachmentForm
from attachments.models import Attachment
from attachments.registry import target_for
from projects.models import Project
from projects.selectors import project_documents
from tests.factories import ProgressReportFactory, ProjectFactory

from . import pictures
from .support import ISSUED, add_document, document

pytestmark = pytest.mark.django_db

DATED = ["approval", "feasibility", "design", "tender", "contract", "acceptance"]


@pytest.fixture
def project(unit):
    return ProjectFactory(code="ZH-FILE-1", name="城市大脑二期", lead_org=unit)


def stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] if settings.MEDIA_ROOT.exists() else []


def api_upload(api, project, *files, **fields):
    url = reverse("api:project-attachments", args=[project.pk])
    return api.post(url, {"file": list(files), **fields}, format="multipart")


@pytest.mark.parametrize("kind", DATED)
def test_a_standard_document_is_refused_without_its_date_and_nothing_is_stored(liaison, project, settings, kind):
    with pytest.raises(ValidationError) as refused:
        services.attach(actor=liaison, obj=project, files=[document()], kind=kind, number="甬发改审批〔2026〕12号")
    assert "成文日期" in refused.value.messages[0] and str(AttachmentKind(kind).label) in refused.value.messages[0]
    assert not Attachment.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize("kind", ["approval", "feasibility", "design"])
def test_documents_approved_by_an_official_reply_need_its_number(liaison, project, kind):
    with pytest.raises(ValidationError) as refused:
        services.attach(actor=liaison, obj=project, files=[document()], kind=kind, issued_on=ISSUED)
    assert "文号" in refused.value.messages[0]


@pytest.mark.parametrize("kind", ["tender", "contract", "acceptance"])
def test_tenders_contracts_and_acceptance_reports_are_kept_without_a_number(liaison, project, kind):
    [kept] = services.attach(actor=liaison, obj=project, files=[document()], kind=kind, issued_on=ISSUED)
    assert (kept.kind, kept.number, kept.issued_on) == (kind, "", ISSUED)


def test_other_documents_need_neither_number_nor_date(liaison, project):
    [kept] = services.attach(actor=liaison, obj=project, files=[document()], kind="other")
    assert (kept.kind, kept.number, kept.issued_on) == ("other", "", None)


def test_a_project_document_says_what_it_is_and_is_not_dated_in_the_future(liaison, project):
    with pytest.raises(ValidationError, match="请选择"):
        services.attach(actor=liaison, obj=project, files=[document()], kind="", issued_on=ISSUED)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.attach(actor=liaison, obj=project, files=[document()], kind="contract", issued_on=tomorrow)
    assert not Attachment.objects.exists()


def test_reports_keep_their_documents_without_numbers_or_dates(liaison, project):
    """The check is the project's: a report's documents and photos are as before."""
    report = ProgressReportFactory(project=project, period="2026-03")
    kept = services.attach(actor=liaison, obj=report, files=[document(), pictures.photo(3)])
    assert [item.kind for item in kept] == ["other", "photo"]


def test_the_upload_form_asks_a_project_document_for_its_kind(project):
    form = AttachmentForm(target=target_for(Project))
    assert "" not in dict(form.fields["kind"].choices)  # no "by content": the first kind is chosen, or the user picks
    assert [value for value, _label in form.fields["kind"].choices][:2] == ["approval", "feasibility"]
    report_form = AttachmentForm(target=target_for(ProgressReportFactory(project=project)))
    assert "" in dict(report_form.fields["kind"].choices)  # a report's photo is told by its content


def test_the_page_refuses_an_undated_approval_and_keeps_a_dated_one(client, liaison, project):
    client.force_login(liaison)
    url = reverse("attachment-upload", args=[target_content_type(), project.pk])
    refused = client.post(
        url, {"file": [document()], "kind": "approval", "number": "甬发改审批〔2026〕12号"}, headers=JSON
    )
    assert refused.status_code == 400 and "立项批复" in refused.json()["error"]
    blank = client.post(url, {"file": [document()], "kind": ""}, headers=JSON)
    assert blank.status_code == 400 and not Attachment.objects.exists()
    kept = client.post(
        url,
        {"file": [document()], "kind": "approval", "number": "甬发改审批〔2026〕12号", "issued_on": "2026-01-15"},
        headers=JSON,
    )
    assert kept.status_code == 201, kept.content
    approval = Attachment.objects.get()
    assert (approval.number, approval.issued_on) == ("甬发改审批〔2026〕12号", datetime.date(2026, 1, 15))


JSON = {"Accept": "application/json"}


def target_content_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Project).pk


def test_the_api_refuses_an_undated_contract_and_lists_a_dated_one(api, liaison, project):
    api.as_user(liaison)
    refused = api_upload(api, project, document(), kind="contract", number="HT-2026-07")
    assert refused.status_code == 400 and "合同" in json.dumps(refused.json(), ensure_ascii=False)
    unkinded = api_upload(api, project, document(), issued_on="2026-02-01")
    assert unkinded.status_code == 400
    kept = api_upload(api, project, document(), kind="contract", number="HT-2026-07", issued_on="2026-02-01")
    assert kept.status_code == 201, kept.content
    [listed] = api.get(reverse("api:project-attachments", args=[project.pk])).json()
    assert (listed["kind"], listed["number"], listed["issued_on"]) == ("contract", "HT-2026-07", "2026-02-01")


def test_the_file_is_listed_by_kind_then_date_with_the_standard_kinds_missing(client, liaison, project):
    add_document(project, "other", name="会议纪要.pdf", issued_on=None)
    add_document(project, "contract", name="监理合同.pdf", issued_on=datetime.date(2026, 5, 6))
    add_document(
        project, "approval", name="批复.pdf", number="甬发改审批〔2026〕12号", issued_on=datetime.date(2026, 1, 9)
    )
    add_document(project, "other", name="专家意见.pdf", issued_on=datetime.date(2026, 4, 1))
    add_document(project, "contract", name="建设合同.pdf", number="HT-07", issued_on=datetime.date(2026, 2, 3))

    file = project_documents(project)
    names = ["批复.pdf", "建设合同.pdf", "监理合同.pdf", "专家意见.pdf", "会议纪要.pdf"]  # undated last in its kind
    assert [document.name for document in file.documents] == names
    assert file.missing == ["feasibility", "design", "tender", "acceptance"] and file.lacks_acceptance_report

    client.force_login(liaison)
    page = client.get(project.get_absolute_url()).content.decode()
    section = page[page.index('id="documents"') :]
    assert "尚缺：可行性研究报告、初步设计、招标文件、验收报告" in section
    positions = [section.index(name) for name in names]
    assert positions == sorted(positions)
    assert "甬发改审批〔2026〕12号" in section and "2026-01-09" in section


def test_a_complete_file_lists_nothing_missing(client, liaison, project):
    for index, kind in enumerate(DATED):
        add_document(project, kind, number=f"文号{index}")
    assert project_documents(project).missing == []
    client.force_login(liaison)
    assert "尚缺" not in client.get(project.get_absolute_url()).content.decode()
