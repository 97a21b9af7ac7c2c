"""Files are kept while their project is archived (listed, downloadable, closed to new ones), come back with it when
restored, and leave the storage only with a superuser's purge, the files of its reports and milestones included."""

import pytest
from django.urls import reverse

from attachments import services as attachment_services
from attachments.models import Attachment
from projects import services
from projects.models import Project
from tests.factories import MilestoneFactory, ProgressReportFactory, ProjectFactory, UserFactory

from . import pictures
from .support import add_document, document


@pytest.fixture
def project(unit, liaison):
    """A project with a document, a report with a photo (and its thumbnail) and a milestone with a document."""
    project = ProjectFactory(code="ZH-ARCH-9", name="智慧水务", lead_org=unit)
    add_document(project, "contract", actor=liaison, name="建设合同.pdf")
    report = ProgressReportFactory(project=project, period="2026-04")
    attachment_services.attach(actor=liaison, obj=report, files=[pictures.photo(5)])
    milestone = MilestoneFactory(project=project, name="管网改造")
    attachment_services.attach(actor=liaison, obj=milestone, files=[document("管网验收单.pdf", seed=31)])
    return project


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def kept_names(project) -> set[str]:
    files = Attachment.objects.filter(pk__in=all_attachment_ids(project))
    return {name for attachment in files for name in (attachment.file.name, attachment.thumbnail.name) if name}


def all_attachment_ids(project) -> list[int]:
    return [
        *Attachment.objects.filter(project=project).values_list("pk", flat=True),
        *Attachment.objects.filter(progress_report__project=project).values_list("pk", flat=True),
        *Attachment.objects.filter(milestone__project=project).values_list("pk", flat=True),
    ]


@pytest.mark.django_db
def test_an_archived_projects_files_stay_listed_and_downloadable_and_come_back_with_it(
    client, api, settings, liaison, office_user, project
):
    before = stored_files(settings)
    assert len(before) == 4  # the contract, the photo and its thumbnail, the milestone's document
    services.archive(actor=office_user, obj=project)
    assert stored_files(settings) == before

    client.force_login(liaison)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "建设合同.pdf" in page
    for pk in all_attachment_ids(project):
        assert client.get(reverse("attachment-download", args=[pk])).status_code == 200
        assert api.as_user(liaison).get(f"/api/v1/attachments/{pk}/download/").status_code == 200
    listed = api.get(reverse("api:project-attachments", args=[project.pk]))
    assert [item["name"] for item in listed.json()] == ["建设合同.pdf"]
    # Nothing is added to an archived project's file.
    refused = api.post(
        reverse("api:project-attachments", args=[project.pk]),
        {"file": [document("补充协议.pdf", seed=32)], "kind": "other"},
        format="multipart",
    )
    assert refused.status_code == 403

    services.restore(actor=office_user, obj=project)
    assert stored_files(settings) == before
    assert [item["name"] for item in api.get(reverse("api:project-attachments", args=[project.pk])).json()] == [
        "建设合同.pdf"
    ]
    added = api.post(
        reverse("api:project-attachments", args=[project.pk]),
        {"file": [document("补充协议.pdf", seed=32)], "kind": "other"},
        format="multipart",
    )
    assert added.status_code == 201, added.content


@pytest.mark.django_db(transaction=True)
def test_the_superusers_purge_deletes_the_rows_and_the_stored_files(
    client, settings, unit, liaison, office_user, project
):
    """A real commit: the files go once the purge has committed (``attachments.signals``)."""
    other = ProjectFactory(code="ZH-KEEP-1", lead_org=unit)
    kept = add_document(other, "contract", actor=liaison, name="另一项目合同.pdf")
    purged = kept_names(project)
    assert len(purged) == 4 and purged <= stored_files(settings)

    services.archive(actor=office_user, obj=project)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(f"/admin/projects/project/{project.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    assert not Project.all_objects.filter(pk=project.pk).exists()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert stored_files(settings) == {kept.file.name}
