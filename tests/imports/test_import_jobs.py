"""Confirming the import of a file of more rows than IMPORT_JOB_THRESHOLD_ROWS runs it as a background job (here
in-process: no broker): the page that answers is the job's, with the counts when it is done, or every error and
their report to download; the owner is notified; the upload is kept only until the job has run."""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from jobs import services
from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from notifications.models import Notification
from projects.models import Project

from .test_views import project_file, upload

pytestmark = pytest.mark.django_db


def test_a_large_import_is_confirmed_into_a_job(
    client, portfolio, office_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_JOB_THRESHOLD_ROWS = 2
    client.force_login(office_user)
    data = project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500})
    token = upload(client, "projects", data).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import", args=["projects"]), {"token": token, "confirm": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.kind, job.status, job.error) == (JobKind.IMPORT, JobStatus.DONE, "")
    assert job.outcome["updated"] == 1 and job.outcome["error_count"] == 0 and not job.file and not job.source
    project = Project.objects.get(code="NB2012-KEY-01")
    assert project.total_investment == Decimal("1500.00")
    assert project.history.first().history_user == office_user
    assert "1 updated" in Notification.objects.get(recipient=office_user).text
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-outcome"' in page and 'id="import-errors"' not in page


def test_an_import_job_reports_its_errors(client, portfolio, office_user):
    data = project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500, ("NB2012-KEY-02", "领域"): "不存在"})
    job = Job(owner=office_user, kind=JobKind.IMPORT, title="项目", path="/imports/projects/", language="zh-hans")
    job.query = "resource=projects"
    job.source.save("计划表.xlsx", ContentFile(data))
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.outcome["error_count"] == 1
    assert job.outcome["errors"] == [{"row": 4, "field": "领域", "message": job.outcome["errors"][0]["message"]}]
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")  # nothing written
    client.force_login(office_user)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-errors"' in page and job.outcome["errors"][0]["message"] in page
    response = client.get(reverse("job-download", args=[job.pk]))
    report = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert (4, "领域") in [row[:2] for row in report.iter_rows(values_only=True)]


def test_an_import_job_of_a_table_its_owner_may_not_import_fails(client, portfolio, liaison):
    data = project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500})
    job = Job(owner=liaison, kind=JobKind.IMPORT, title="项目", path="/imports/projects/", language="zh-hans")
    job.query = "resource=projects"
    job.source.save("计划表.xlsx", ContentFile(data))
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error and not job.source
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")
