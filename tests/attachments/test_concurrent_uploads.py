"""Two uploads to one object at once (PostgreSQL: two writers): the same photo is kept once, and the object's limit
holds for both together."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from attachments.models import Attachment
from projects.choices import ReportStatus
from tests.factories import ProgressReportFactory, ProjectFactory
from tests.test_races import race, slowly

from . import hostile
from .world import api_upload, stored_files


@pytest.fixture
def report(unit):
    return ProgressReportFactory(project=ProjectFactory(lead_org=unit), period="2026-03", status=ReportStatus.SUBMITTED)


def upload_in_a_thread(user, report, name, content):
    def post():
        client = APIClient()
        client.force_authenticate(user)
        return api_upload(client, report, SimpleUploadedFile(name, content))

    return slowly(post, "attachments_attachment")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_the_same_photo_sent_twice_at_once_is_kept_once(liaison, report):
    content = hostile.jpeg_bytes(9)
    for round_ in range(3):
        Attachment.objects.all().delete()
        first, second = race(
            upload_in_a_thread(liaison, report, f"甲{round_}.jpg", content),
            upload_in_a_thread(liaison, report, f"乙{round_}.jpg", content),
        )
        statuses = sorted(response.status_code for response in (first, second))
        assert statuses == [201, 400], (first, second)
        refused = first if first.status_code == 400 else second
        assert refused.json()["file"][0].endswith("已上传过。")
        assert Attachment.objects.count() == 1
    # The last round's photo and thumbnail: the refused uploads stored nothing, earlier rounds' went with their rows.
    assert len(stored_files()) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_photos_at_once_do_not_pass_the_objects_limit_together(liaison, report, settings):
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "MAX_OBJECT_FILES": 1}
    first, second = race(
        upload_in_a_thread(liaison, report, "甲.jpg", hostile.jpeg_bytes(10)),
        upload_in_a_thread(liaison, report, "乙.jpg", hostile.jpeg_bytes(11)),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 400], (first, second)
    refused = first if first.status_code == 400 else second
    assert refused.json() == {"file": [f"{report} 已有 1 个文件，最多可保存 1 个。"]}
    assert Attachment.objects.count() == 1 and len(stored_files()) == 2
