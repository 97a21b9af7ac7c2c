"""Files live as long as their rows (the core of it; a report's archive is the reports' tests'): an archived project
keeps its files readable and takes no new ones until restored; a removed or purged attachment's stored files go once
the deletion commits, and stay when it rolls back; a failed upload leaves no file behind."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from attachments import services
from attachments.models import Attachment
from projects.models import ProgressReport, Project
from projects.services.projects import archive, restore

from . import hostile, pictures, world


@pytest.fixture
def w(db):
    w = world.build()
    (w.approval,) = services.attach(
        actor=w.liaison,
        obj=w.zhenhai_project,
        files=[pictures.pdf()],
        kind="approval",
        number="镇发改〔2026〕3号",
        issued_on=datetime.date(2026, 3, 2),
    )
    (w.photo,) = services.attach(actor=w.liaison, obj=w.report, files=[pictures.photo(1)])
    return w


def downloads(user, attachment) -> tuple[int, int]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("attachment-download", args=[attachment.pk]))
    api = client.get(f"/api/v1/attachments/{attachment.pk}/download/")
    for response in (page, api):
        if response.status_code == 200:
            b"".join(response.streaming_content)
    return page.status_code, api.status_code


def path_exists(path) -> bool:
    return world.Path(path).exists()


def paths(*attachments) -> list:
    return [field.path for attachment in attachments for field in (attachment.file, attachment.thumbnail) if field]


def test_an_archived_project_keeps_its_files_readable_and_takes_new_ones_once_restored(w):
    archive(actor=w.zhenhai_office, obj=w.zhenhai_project)
    project = Project.all_objects.get(pk=w.zhenhai_project.pk)
    assert project.is_archived
    for user in (w.liaison, w.zhenhai_office, w.city_office):
        assert downloads(user, w.approval) == (200, 200)
        assert downloads(user, w.photo) == (200, 200)
    client = Client()
    client.force_login(w.liaison)
    listed = client.get(world.api_url(project))
    assert listed.status_code == 200 and [item["number"] for item in listed.json()] == ["镇发改〔2026〕3号"]
    refused = world.page_upload(client, project, pictures.pdf(name="验收报告.pdf"))
    assert refused.status_code == 403
    assert downloads(w.dongguan_office, w.approval) == (404, 404)

    restore(actor=w.zhenhai_office, obj=project)
    added = world.page_upload(
        client, project, pictures.pdf(name="验收报告.pdf"), kind="acceptance", issued_on="2026-11-20"
    )
    assert added.status_code == 201, added.content
    assert all(path.exists() for path in world.stored_files())
    assert len(world.stored_files()) == 4  # two documents, a photo and its thumbnail


@pytest.mark.django_db(transaction=True)
def test_a_removed_attachments_files_go_once_the_deletion_commits(w):
    kept = paths(w.photo)
    assert len(kept) == 2 and all(path_exists(path) for path in kept)
    with transaction.atomic():
        services.remove(actor=w.liaison, attachment=w.photo)
        assert all(path_exists(path) for path in kept)  # not before the commit
    assert not any(path_exists(path) for path in kept)
    assert world.stored_files() == [world.Path(w.approval.file.path)]
    # The API's DELETE does the same.
    client = Client()
    client.force_login(w.liaison)
    assert client.delete(f"/api/v1/attachments/{w.approval.pk}/").status_code == 204
    assert world.stored_files() == []


@pytest.mark.django_db(transaction=True)
def test_a_deletion_rolled_back_keeps_the_files(w):
    kept = paths(w.photo, w.approval)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.remove(actor=w.liaison, attachment=w.photo)
        w.approval.delete()
        raise RuntimeError("something later in the same request failed")
    assert Attachment.objects.count() == 2
    assert all(path_exists(path) for path in kept)


@pytest.mark.django_db(transaction=True)
def test_purging_a_project_takes_its_and_its_reports_files_after_the_commit(w):
    other = paths(*services.attach(actor=w.water_liaison, obj=w.water_report, files=[pictures.photo(2)]))
    purged = paths(w.approval, w.photo)
    with transaction.atomic():
        Project.all_objects.get(pk=w.zhenhai_project.pk).delete()
        assert all(path_exists(path) for path in purged)
    assert not ProgressReport.objects.filter(pk=w.report.pk).exists()
    assert list(Attachment.objects.values_list("object_id", flat=True)) == [w.water_report.pk]
    assert not any(path_exists(path) for path in purged)
    assert all(path_exists(path) for path in other)


@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_leaves_no_file(w):
    before = world.stored_files()
    # A document date out of range gets past no form, but the service is called by workflows too: the database's
    # constraint stops the row, and the files already stored for it are taken away again.
    with pytest.raises(IntegrityError):
        services.attach(
            actor=w.liaison,
            obj=w.zhenhai_project,
            files=[SimpleUploadedFile("合同.pdf", hostile.handmade_pdf()), pictures.photo(3, name="签约.jpg")],
            kind="contract",
            issued_on=datetime.date(1800, 1, 1),
        )
    assert world.stored_files() == before
    assert Attachment.objects.count() == 2


def test_the_history_of_a_removed_attachment_keeps_who_and_when(w):
    pk = w.photo.pk
    services.remove(actor=w.liaison, attachment=w.photo)
    removal = Attachment.history.filter(id=pk).latest()
    assert removal.history_type == "-" and removal.history_user == w.liaison and removal.name == "现场照片.jpg"
