"""``manage.py check_attachments``: a restore whose media backup lacks a file is reported; a file left by a rolled-back
upload is found and, once an hour old, removed."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from attachments import services
from attachments.models import attachment_storage
from projects.choices import ReportStatus
from tests.factories import ProgressReportFactory, ProjectFactory

from . import pictures


@pytest.fixture
def report(unit):
    return ProgressReportFactory(project=ProjectFactory(lead_org=unit), period="2026-03", status=ReportStatus.SUBMITTED)


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_attachments", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_missing_file_fails_the_check(liaison, report):
    (attachment,) = services.attach(actor=liaison, obj=report, files=[pictures.photo(1)])
    assert "2 files expected, 0 missing, 0 without a row" in run()
    attachment_storage().delete(attachment.file.name)
    with pytest.raises(CommandError, match="1 attachment files are missing"):
        run()


def test_old_orphans_are_removed_young_ones_kept(liaison, report, settings):
    storage = attachment_storage()
    old = storage.save("attachments/2026/03/left-by-a-rollback.jpg", pictures.photo(2))
    young = storage.save("attachments/2026/03/still-committing.jpg", pictures.photo(3))
    two_hours_ago = time.time() - 7200
    os.utime(storage.path(old), (two_hours_ago, two_hours_ago))
    assert f"orphan: {old}" in run()
    assert storage.exists(old)
    output = run("--delete-orphans")
    assert f"deleted: {old}" in output
    assert not storage.exists(old)
    assert storage.exists(young)
