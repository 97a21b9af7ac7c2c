"""The attachments API on a progress report: upload, list, download, remove, and the reuse flag across reports."""

import datetime

import pytest
from django.urls import reverse

from projects.choices import ReportStatus
from tests.factories import ProgressReportFactory, ProjectFactory

from . import pictures


@pytest.fixture
def report(unit):
    project = ProjectFactory(lead_org=unit)
    return ProgressReportFactory(project=project, period="2026-03", status=ReportStatus.SUBMITTED)


def upload(api, report, *files, **fields):
    url = reverse("api:progressreport-attachments", args=[report.pk])
    return api.post(url, {"file": list(files), **fields}, format="multipart")


def test_liaison_uploads_two_photos_and_lists_them(api, liaison, report):
    api.as_user(liaison)
    taken = datetime.datetime(2026, 3, 12, 9, 30)
    response = upload(api, report, pictures.photo(1, taken=taken), pictures.photo(2, name="IMG_0002.JPG"))
    assert response.status_code == 201, response.content
    listed = api.get(reverse("api:progressreport-attachments", args=[report.pk])).json()
    assert [item["name"] for item in listed] == ["现场照片.jpg", "IMG_0002.jpg"]
    first = listed[0]
    assert first["kind"] == "photo"
    assert first["content_type"] == "image/jpeg"
    assert first["taken_at"].startswith("2026-03-12T09:30:00")
    assert first["reused_from"] is None
    download = api.get(first["url"])
    assert download.status_code == 200
    assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg" in download["Content-Disposition"]


def test_same_picture_resaved_in_a_later_report_is_flagged(api, liaison, report):
    api.as_user(liaison)
    assert upload(api, report, pictures.photo(7)).status_code == 201
    later = ProgressReportFactory(project=report.project, period="2026-04", status=ReportStatus.SUBMITTED)
    response = upload(api, later, pictures.resaved(7), pictures.photo(8, name="新场景.jpg"))
    assert response.status_code == 201, response.content
    reused, fresh = response.json()
    earlier = report.attachments.get()
    assert reused["reused_from"] == earlier.pk
    assert fresh["reused_from"] is None
