"""Site photos filed with the monthly reports: on the reporting page and through the API, in the filing's transaction,
and the rule that a key or pilot project under construction shows at least one (on filing and on approval)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attachments import services as attachments
from attachments.models import Attachment
from common.exceptions import WorkflowError
from projects import services
from projects.choices import ProjectStatus, ProjectTier, ReportStatus
from projects.models import ProgressReport
from projects.selectors import current_period
from tests.factories import ProgressReportFactory, ProjectFactory

from . import pictures

pytestmark = pytest.mark.django_db

PAGE = "/progress/report/"


def today_at_noon():
    return datetime.datetime.combine(timezone.localdate(), datetime.time(12, 0))


def fields(project, **values) -> dict:
    """One row of the reporting page as the browser posts it (files under ``photos``)."""
    data = {
        "progress": "65",
        "investment_completed": "20",
        "summary": "完成设备安装。",
        "problems": "",
        "next_steps": "",
    }
    data.update(values)
    return {f"p{project.pk}-{key}": value for key, value in data.items()}


def renamed_executable(name="现场照片2.jpg"):
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2048), "image/jpeg")


def stored_files(tmp_path) -> list:
    media = tmp_path / "media"
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def reporting_project(unit, code, **values):
    today = timezone.localdate()
    values.setdefault("planned_start", today - datetime.timedelta(days=30))
    values.setdefault("planned_end", today + datetime.timedelta(days=300))
    return ProjectFactory(lead_org=unit, code=code, **values)


@pytest.fixture
def key_project(unit):
    return reporting_project(unit, "ZH-KEY", tier=ProjectTier.KEY, status=ProjectStatus.IN_PROGRESS)


@pytest.fixture
def general_project(unit):
    return reporting_project(unit, "ZH-GEN", tier=ProjectTier.GENERAL, status=ProjectStatus.IN_PROGRESS)


# The reporting page


def test_the_page_offers_a_drop_zone_per_project_and_shows_upload_progress(client, liaison, key_project):
    client.force_login(liaison)
    page = client.get(PAGE).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'data-upload-progress="page"' in page
    assert '<progress class="w-100 mt-2 upload-progress"' in page
    assert f'name="p{key_project.pk}-photos"' in page and "multiple" in page
    assert 'class="dropzone' in page
    assert "须至少一张" in page  # the key project under construction is told it needs a photo


def test_liaison_files_two_reports_with_their_photos(client, liaison, key_project, general_project, tmp_path):
    client.force_login(liaison)
    data = {
        **fields(key_project, **{"photos": [pictures.photo(1, taken=today_at_noon()), pictures.png()]}),
        **fields(general_project, **{"photos": [pictures.photo(2, name="IMG_0002.JPG")]}),
    }
    response = client.post(PAGE, data, follow=True)

    assert "报表 2 份" in response.content.decode()
    key_report = ProgressReport.objects.get(project=key_project)
    assert key_report.status == ReportStatus.SUBMITTED
    photos = list(key_report.attachments.order_by("pk"))
    assert [(photo.name, photo.kind, photo.uploaded_by) for photo in photos] == [
        ("现场照片.jpg", "photo", liaison),
        ("截图.png", "photo", liaison),
    ]
    assert photos[0].taken_at is not None and photos[1].taken_at is None
    assert ProgressReport.objects.get(project=general_project).attachments.get().name == "IMG_0002.jpg"
    assert len(stored_files(tmp_path)) == 6  # three files, three thumbnails

    # The report is still open: its photos show on the row, each with its date and a button to remove it.
    page = client.get(PAGE).content.decode()
    assert reverse("attachment-thumbnail", args=[photos[0].pk]) in page
    assert f'form="remove-attachment-{photos[1].pk}"' in page
    assert f'id="remove-attachment-{photos[1].pk}"' in page
    assert timezone.localdate().isoformat() in page and "未知" in page  # the PNG carries no date


def test_a_key_project_under_construction_is_refused_without_a_photo(client, liaison, key_project, general_project):
    client.force_login(liaison)
    response = client.post(PAGE, {**fields(key_project), **fields(general_project)})

    page = response.content.decode()
    assert response.status_code == 200
    assert "未保存任何内容" in page and "须附至少一张现场照片" in page
    # Said on the key project's row (the rows go by code: ZH-GEN, then ZH-KEY).
    general_row = page[page.index(f'id="project-{general_project.pk}"') : page.index(f'id="project-{key_project.pk}"')]
    key_row = page[page.index(f'id="project-{key_project.pk}"') :]
    assert "photo-error" not in general_row
    assert "photo-error" in key_row and f"{key_project}为在建重点推进工程" in key_row
    assert ProgressReport.objects.count() == 0  # the page is filed whole or not at all

    # A general project needs none.
    client.post(PAGE, fields(general_project))
    assert ProgressReport.objects.get().project == general_project


@pytest.mark.parametrize(
    ("tier", "status", "needed"),
    [
        (ProjectTier.KEY, ProjectStatus.IN_PROGRESS, True),
        (ProjectTier.PILOT, ProjectStatus.IN_PROGRESS, True),
        (ProjectTier.NATIONAL_PILOT, ProjectStatus.IN_PROGRESS, True),
        (ProjectTier.GENERAL, ProjectStatus.IN_PROGRESS, False),
        (ProjectTier.KEY, ProjectStatus.PREPARING, False),
    ],
)
def test_the_rule_covers_key_and_pilot_projects_under_construction(liaison, unit, tier, status, needed):
    project = reporting_project(unit, "ZH-RULE", tier=tier, status=status)
    data = {"project": project, "period": current_period(), "progress": 10, "summary": "进场施工。"}
    if needed:
        with pytest.raises(Exception, match="现场照片") as refused:
            services.progress_report_submit(actor=liaison, data=data)
        assert refused.value.message_dict["photos"]
        assert not ProgressReport.objects.exists()
    else:
        assert services.progress_report_submit(actor=liaison, data=data).status == ReportStatus.SUBMITTED


def test_the_setting_switches_the_rule_off(liaison, office_user, key_project, settings):
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "REQUIRE_REPORT_PHOTO": False}
    data = {"project": key_project, "period": current_period(), "progress": 10, "summary": "进场施工。"}
    report = services.progress_report_submit(actor=liaison, data=data)
    assert services.progress_report_approve(actor=office_user, report=report).status == ReportStatus.APPROVED


def test_a_refused_file_refuses_the_page_and_nothing_is_stored(client, liaison, key_project, unit, tmp_path):
    second = reporting_project(unit, "ZH-KEY2")
    client.force_login(liaison)
    data = {
        # The first report's photo is good and is kept first; the second report's "photo" is a program.
        **fields(key_project, **{"photos": [pictures.photo(1)]}),
        **fields(second, **{"photos": [pictures.photo(3), renamed_executable()]}),
    }
    response = client.post(PAGE, data)

    page = response.content.decode()
    assert "未保存任何内容" in page
    row = page[page.index(f'id="project-{second.pk}"') :]
    assert "现场照片2.jpg" in row and "photo-error" in row
    assert "所选照片也未保存，请重新选择后再提交" in page  # a browser never keeps the files chosen
    assert ProgressReport.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(tmp_path) == []


def test_a_damaged_picture_and_an_empty_file_are_refused_with_a_message(client, liaison, key_project, tmp_path):
    client.force_login(liaison)
    damaged = SimpleUploadedFile("坏图.jpg", pictures.photo(1).read()[:4000], "image/jpeg")
    response = client.post(PAGE, fields(key_project, **{"photos": [damaged]}))
    assert response.status_code == 200 and "已损坏" in response.content.decode()
    empty = SimpleUploadedFile("空.jpg", b"", "image/jpeg")
    response = client.post(PAGE, fields(key_project, **{"photos": [empty]}))
    assert response.status_code == 200 and "未保存任何内容" in response.content.decode()
    assert ProgressReport.objects.count() == 0 and stored_files(tmp_path) == []


def test_a_photo_over_the_size_limit_refuses_the_page_with_its_name(client, liaison, key_project, settings, tmp_path):
    settings.FILE_UPLOAD_MAX_BYTES = 50_000
    client.force_login(liaison)
    response = client.post(PAGE, fields(key_project, **{"photos": [pictures.photo(1, name="大图.jpg")]}))
    page = response.content.decode()
    assert response.status_code == 200 and "大图.jpg" in page and "未保存" in page
    assert ProgressReport.objects.count() == 0 and stored_files(tmp_path) == []


def test_too_many_files_at_once_is_a_400_not_a_500(client, liaison, key_project, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.force_login(liaison)
    photos = [pictures.photo(seed, size=(200, 150)) for seed in range(3)]
    response = client.post(PAGE, fields(key_project, **{"photos": photos}))
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 0


def test_photos_added_to_a_returned_report_and_one_removed_before_approval(client, liaison, office_user, key_project):
    report = ProgressReportFactory(
        project=key_project, period=current_period(), status=ReportStatus.RETURNED, review_comment="补充现场照片"
    )
    client.force_login(liaison)
    client.post(PAGE, fields(key_project, **{"photos": [pictures.photo(4)]}))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.attachments.count() == 1

    photo = report.attachments.get()
    client.post(reverse("attachment-remove", args=[photo.pk]), {"next": PAGE})
    assert not report.attachments.exists()
    # Without its photo the office cannot approve it.
    with pytest.raises(WorkflowError, match="现场照片"):
        services.progress_report_approve(actor=office_user, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_photos_of_an_approved_report_show_and_cannot_be_removed(client, liaison, office_user, key_project):
    client.force_login(liaison)
    client.post(PAGE, fields(key_project, **{"photos": [pictures.photo(5)]}))
    report = ProgressReport.objects.get()
    services.progress_report_approve(actor=office_user, report=report)
    photo = report.attachments.get()
    page = client.get(PAGE).content.decode()
    assert reverse("attachment-thumbnail", args=[photo.pk]) in page
    assert f"remove-attachment-{photo.pk}" not in page
    assert client.post(reverse("attachment-remove", args=[photo.pk])).status_code == 403


# Approval


def test_the_office_cannot_approve_a_report_without_its_photo(client, office_user, key_project, general_project):
    period = current_period()
    bare = ProgressReportFactory(project=key_project, period=period)  # as an import or an old filing left it
    plain = ProgressReportFactory(project=general_project, period=period)
    client.force_login(office_user)

    queue = client.get("/progress/review/").content.decode()
    assert queue.count("photo-missing") == 1
    response = client.post("/progress/review/", {"selected": [bare.pk, plain.pk]}, follow=True)
    page = response.content.decode()
    assert "已审核通过 1 份" in page and "未附现场照片，不予审核通过" in page
    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert statuses == {bare.pk: ReportStatus.SUBMITTED, plain.pk: ReportStatus.APPROVED}


def test_the_api_refuses_approval_without_a_photo_409_and_lists_it_in_a_batch(api, office_user, key_project):
    bare = ProgressReportFactory(project=key_project, period=current_period())
    api.as_user(office_user)
    response = api.post(reverse("api:progressreport-approve", args=[bare.pk]), {}, format="json")
    assert response.status_code == 409 and "现场照片" in response.json()["detail"]
    response = api.post(reverse("api:progressreport-approve-many"), {"ids": [bare.pk]}, format="json")
    assert response.status_code == 200
    assert response.json()["approved"] == [] and "现场照片" in response.json()["refused"][0]["detail"]


# Imports


def test_an_imported_report_is_filed_and_its_photo_follows_before_approval(liaison, office_user, key_project):
    from reports.imports import run_import
    from tests.imports.conftest import csv_bytes

    headers = ["项目编号", "报告期", "形象进度（%）", "本期完成投资（万元）", "本期进展"]
    data = csv_bytes(headers, [[key_project.code, current_period(), "45", "120", "完成主体施工。"]])
    outcome = run_import(key="reports", user=liaison, data=data, dry_run=False)
    assert (outcome.created, outcome.errors) == (1, [])  # a spreadsheet carries no photo
    report = ProgressReport.objects.get()
    with pytest.raises(WorkflowError, match="现场照片"):
        services.progress_report_approve(actor=office_user, report=report)

    attachments.attach(actor=liaison, obj=report, files=[pictures.photo(12)])
    assert services.progress_report_approve(actor=office_user, report=report).status == ReportStatus.APPROVED


# The API


def report_body(project, **values):
    return {"project": project.pk, "period": current_period(), "progress": "40", "summary": "完成土建。", **values}


def test_api_json_filing_of_a_key_project_is_refused_400_naming_the_rule(api, liaison, key_project, general_project):
    api.as_user(liaison)
    response = api.post(reverse("api:progressreport-list"), report_body(key_project), format="json")
    assert response.status_code == 400
    assert "现场照片" in response.json()["photos"][0]
    assert not ProgressReport.objects.exists()

    response = api.post(reverse("api:progressreport-list"), report_body(general_project), format="json")
    assert response.status_code == 201, response.content


def test_api_multipart_filing_keeps_the_photos_with_the_report(api, liaison, key_project):
    api.as_user(liaison)
    body = report_body(key_project, photos=[pictures.photo(6, taken=today_at_noon()), pictures.photo(7)])
    response = api.post(reverse("api:progressreport-list"), body, format="multipart")
    assert response.status_code == 201, response.content
    report = ProgressReport.objects.get(pk=response.json()["id"])
    assert "photos" not in response.json()
    listed = api.get(reverse("api:progressreport-attachments", args=[report.pk])).json()
    assert [(item["name"], item["kind"], item["reused_from"]) for item in listed] == [
        ("现场照片.jpg", "photo", None),
        ("现场照片.jpg", "photo", None),
    ]


def test_api_multipart_filing_with_a_refused_file_stores_nothing(api, liaison, key_project, tmp_path):
    api.as_user(liaison)
    body = report_body(key_project, photos=[pictures.photo(8), renamed_executable()])
    response = api.post(reverse("api:progressreport-list"), body, format="multipart")
    assert response.status_code == 400
    assert "现场照片2.jpg" in " ".join(response.json()["photos"])
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()
    assert stored_files(tmp_path) == []


def test_api_photo_over_the_size_limit_is_a_400_not_a_filing_without_it(api, liaison, key_project, settings):
    settings.FILE_UPLOAD_MAX_BYTES = 50_000
    api.as_user(liaison)
    body = report_body(key_project, photos=[pictures.photo(1, name="大图.jpg")])
    response = api.post(reverse("api:progressreport-list"), body, format="multipart")
    assert response.status_code == 400 and "大图.jpg" in response.json()["photos"][0]
    assert not ProgressReport.objects.exists()


def test_api_json_photos_that_are_not_files_are_a_400(api, liaison, key_project):
    api.as_user(liaison)
    response = api.post(reverse("api:progressreport-list"), report_body(key_project, photos=["x"]), format="json")
    assert response.status_code == 400
    assert not ProgressReport.objects.exists()


def test_api_revision_may_add_photos(api, liaison, key_project):
    report = ProgressReportFactory(
        project=key_project, period=current_period(), status=ReportStatus.RETURNED, review_comment="缺照片"
    )
    api.as_user(liaison)
    url = reverse("api:progressreport-detail", args=[report.pk])
    response = api.patch(url, {"photos": [pictures.photo(9)], "version": report.version}, format="multipart")
    assert response.status_code == 200, response.content
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.attachments.photos().count() == 1
