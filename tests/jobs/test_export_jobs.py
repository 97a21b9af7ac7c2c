"""Exports above EXPORT_JOB_THRESHOLD_ROWS run as background jobs (here in-process: no broker is configured), whose
file is the one the request would have sent; the owner alone sees and downloads it, is notified, and the file is
deleted after EXPORT_KEEP_DAYS."""

import datetime
import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.choices import Role
from common.views import counted
from config.celery import app
from jobs import services
from jobs.choices import JobStatus
from jobs.models import Job
from notifications.choices import NotificationKind
from notifications.models import Notification
from tests.factories import DomainFactory, OrganizationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

THRESHOLD = 10


@pytest.fixture
def projects(db):
    roads = DomainFactory(name="智能交通")
    return [ProjectFactory(code=f"P{number:03d}", name=f"项目{number}", domain=roads) for number in range(1, 31)]


@pytest.fixture
def low_threshold(settings):
    settings.EXPORT_JOB_THRESHOLD_ROWS = THRESHOLD


def values(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def start(client, path, params, capture) -> Job:
    with capture(execute=True):
        response = client.get(path, params)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    return job


def inline(client, settings, path, params) -> bytes:
    settings.EXPORT_JOB_THRESHOLD_ROWS = 10_000
    response = client.get(path, params)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def downloaded(client, job) -> bytes:
    response = client.get(f"/exports/mine/{job.pk}/download/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_a_long_list_export_is_a_job_whose_file_is_the_inline_one(
    client, office_user, projects, low_threshold, settings, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    params = {"domain": projects[0].domain_id, "export": "xlsx"}
    job = start(client, "/projects/", params, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total, job.error) == (JobStatus.DONE, 30, 30, "")
    assert job.filename.endswith(".xlsx") and job.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert values(downloaded(client, job)) == values(inline(client, settings, "/projects/", params))

    notification = Notification.objects.get(recipient=office_user)
    assert notification.kind == NotificationKind.EXPORT and notification.url == job.get_absolute_url()

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and f"/exports/mine/{job.pk}/download/" in page.content.decode()
    state = client.get(f"/exports/mine/{job.pk}/status/").json()
    assert state["status"] == "done" and state["percent"] == 100.0 and state["finished"]
    assert state["download_url"] == f"/exports/mine/{job.pk}/download/"
    assert job.get_absolute_url() in client.get("/exports/mine/").content.decode()


def test_a_csv_job_writes_the_same_bytes(
    client, office_user, projects, low_threshold, settings, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    params = {"search": "项目", "export": "csv"}
    job = start(client, "/projects/", params, django_capture_on_commit_callbacks)
    assert downloaded(client, job) == inline(client, settings, "/projects/", params)


def test_only_the_owner_sees_the_job(client, office_user, projects, low_threshold, django_capture_on_commit_callbacks):
    client.force_login(office_user)
    job = start(client, "/projects/", {"export": "xlsx"}, django_capture_on_commit_callbacks)
    other = UserFactory(username="office-other", organization=OrganizationFactory(), role=Role.OFFICE)
    client.force_login(other)
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/exports/mine/{job.pk}/{suffix}").status_code == 404
    assert job.get_absolute_url() not in client.get("/exports/mine/").content.decode()


def test_below_the_threshold_the_export_stays_in_the_request(client, office_user, projects, settings):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 30
    client.force_login(office_user)
    response = client.get("/projects/", {"export": "xlsx"})
    assert response.status_code == 200 and not Job.objects.exists()


def test_an_official_table_above_the_threshold_is_a_job(
    client, office_user, projects, low_threshold, settings, django_capture_on_commit_callbacks
):
    client.force_login(office_user)
    year = projects[0].planned_start.year
    job = start(client, "/reports/export/project-plan.xlsx", {"year": year}, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_done == job.rows_total == 30
    made = values(downloaded(client, job))
    assert made[0][0].startswith(f"{year}年度") and made[0][0].endswith("重大项目计划表")
    expected = values(inline(client, settings, "/reports/export/project-plan.xlsx", {"year": year}))
    assert made[2:] == expected[2:]  # the line under the title carries the day, the same here


def test_a_failing_export_is_reported(client, office_user, projects, low_threshold):
    job = Job.objects.create(
        owner=office_user, title="项目库", path="/projects/", query="export=pdf", language="zh-hans"
    )
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "pdf" in job.error and not job.file
    notification = Notification.objects.get(recipient=office_user)
    assert notification.url == job.get_absolute_url() and "项目库" in notification.title
    # A task delivered twice does not run the job again.
    assert services.job_run(job_id=job.pk) is None


def test_expired_files_are_deleted(client, office_user, projects, low_threshold, django_capture_on_commit_callbacks):
    client.force_login(office_user)
    old = start(client, "/projects/", {"export": "xlsx"}, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    kept = Job.objects.create(
        owner=office_user,
        title="新",
        path="/projects/",
        language="zh-hans",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert app.tasks["jobs.tasks.delete_expired_exports"].delay().get() == 1
    assert not storage.exists(name) and list(Job.objects.all()) == [kept]


def test_progress_is_told_every_chunk_and_at_the_end():
    told = []
    assert list(counted(range(5), told.append, every=2)) == [0, 1, 2, 3, 4]
    assert told == [2, 4, 5]


def test_the_schedule_names_tasks_that_exist(settings):
    app.loader.import_default_modules()
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)


def test_behind_nginx_the_proxy_sends_the_file(
    client, office_user, projects, low_threshold, settings, django_capture_on_commit_callbacks
):
    """With ATTACHMENTS_SENDFILE_HEADER=X-Accel-Redirect (deploy/nginx.conf), the app checks the owner and answers with
    no body; nginx's internal location /protected-media/ (MEDIA_ROOT) sends the file, no app worker held meanwhile."""
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "SENDFILE_HEADER": "X-Accel-Redirect"}
    client.force_login(office_user)
    job = start(client, "/projects/", {"export": "xlsx"}, django_capture_on_commit_callbacks)
    response = client.get(f"/exports/mine/{job.pk}/download/")
    target = response["X-Accel-Redirect"]
    assert response.status_code == 200 and response.content == b"" and target.startswith("/protected-media/exports/")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    on_disk = Path(settings.MEDIA_ROOT) / unquote(target.removeprefix("/protected-media/"))
    assert len(values(on_disk.read_bytes())) == 33  # title, date line, column names and the 30 projects
    client.force_login(UserFactory(username="office-other", organization=OrganizationFactory(), role=Role.OFFICE))
    assert "X-Accel-Redirect" not in client.get(f"/exports/mine/{job.pk}/download/")
