"""Uploads waiting between the preview and the confirm (common.spreadsheets.uploads): django-import-export's
MediaStorage on a private directory, a folder per user, files 0600, at most IMPORT_PENDING_PER_USER a user, removed on
confirm and cancel, after their lifetime, and by ``manage.py clean_imports``."""

import io
import os
import stat
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from common.spreadsheets import uploads
from projects.models import Project
from projects.resources import ProjectResource
from tests.factories import UserFactory

from .conftest import edit_xlsx, export_xlsx, waiting_file

pytestmark = pytest.mark.django_db


def preview(client, investment=1500):
    data = export_xlsx(ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表")
    data = edit_xlsx(data, "项目名称", "项目编号", {("NB2012-KEY-01", "总投资（万元）"): investment})
    file = io.BytesIO(data)
    file.name = "计划表.xlsx"
    response = client.post(reverse("import", args=["projects"]), {"file": file})
    token = response.context["token"]
    assert token
    return token


def confirm(client, token):
    return client.post(reverse("import", args=["projects"]), {"token": token, "confirm": "1"}, follow=True)


def no_longer_available(response) -> bool:
    return any("no longer available" in str(message) for message in response.context["messages"])


def test_a_waiting_upload_is_private_to_its_user(client, portfolio, office_user, settings):
    client.force_login(office_user)
    token = preview(client)
    path = waiting_file(office_user, token)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent.parent == Path(settings.IMPORT_UPLOAD_DIR)


def test_another_user_cannot_confirm_it(client, portfolio, office_user):
    client.force_login(office_user)
    token = preview(client)
    other = UserFactory(username="office-2", role="office")
    client.force_login(other)
    assert no_longer_available(confirm(client, token))
    assert waiting_file(office_user, token).exists()
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == 1000


def test_a_user_keeps_at_most_the_quota_the_oldest_go(client, portfolio, office_user, settings):
    settings.IMPORT_PENDING_PER_USER = 3
    client.force_login(office_user)
    tokens = [preview(client, 1500 + number) for number in range(4)]
    assert [waiting_file(office_user, token).exists() for token in tokens] == [False, True, True, True]
    assert len(list(waiting_file(office_user, tokens[0]).parent.iterdir())) == 3
    assert no_longer_available(confirm(client, tokens[0]))
    assert not no_longer_available(confirm(client, tokens[3]))
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == 1503
    assert not waiting_file(office_user, tokens[3]).exists()


def test_an_upload_past_its_lifetime_is_not_imported(client, portfolio, office_user, settings):
    settings.IMPORT_UPLOAD_LIFETIME_MINUTES = 30
    client.force_login(office_user)
    token = preview(client)
    path = waiting_file(office_user, token)
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    assert no_longer_available(confirm(client, token))
    assert not path.exists()
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == 1000


def test_clean_imports_removes_the_abandoned(client, portfolio, office_user, settings, capsys):
    settings.IMPORT_UPLOAD_LIFETIME_MINUTES = 30
    client.force_login(office_user)
    old, recent = preview(client), preview(client, 1600)
    an_hour_ago = time.time() - 3600
    os.utime(waiting_file(office_user, old), (an_hour_ago, an_hour_ago))
    call_command("clean_imports")
    assert "Removed 1 waiting upload(s)" in capsys.readouterr().out
    assert not waiting_file(office_user, old).exists()
    assert waiting_file(office_user, recent).exists()
    call_command("clean_imports", "--all")
    assert not waiting_file(office_user, recent).exists()
    assert uploads.clean() == 0
