"""Long exports and imports as background jobs, in a real browser (the thresholds set low here; the test holds the
queue and runs each job itself, as a worker would, so that its page is seen before and after).

The office asks for the project library as Excel: the page that answers is the job's, queued; once the job has run
the page's poller shows it done with its download without a reload; the bell counts the notification, which leads
back to the job; 我的导出 in the user menu lists it and downloads the file, which holds every listed project.

The office imports a project file whose preview is clean; the domain it names is deleted before the confirm, so the
import job, run after it, finds the row's error: its page (reloaded by the poller when the job finishes) lists it,
and the report downloads with it; nothing was written.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set.
"""

import pytest
from openpyxl import load_workbook

from accounts.choices import Role
from config.celery import app
from jobs import tasks
from jobs.models import Job
from projects.models import Project
from projects.resources import ProjectResource
from tests.factories import DomainFactory, OrganizationFactory, ProjectFactory, UserFactory
from tests.imports.conftest import edit_xlsx, export_xlsx

from .support import PASSWORD, assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser


@pytest.fixture
def held_queue(monkeypatch):
    """The tasks go to a queue in this process's memory that nobody reads: the test runs each job itself."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")


@pytest.fixture
def office(db):
    return UserFactory(username="office", password=PASSWORD, organization=OrganizationFactory(), role=Role.OFFICE)


@pytest.mark.django_db(transaction=True)
def test_office_gets_a_long_export_from_my_exports(browser_page, live_server, settings, held_queue, office, tmp_path):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 5
    roads = DomainFactory(name="智能交通")
    codes = {ProjectFactory(code=f"J{number:03d}", name=f"导出项目{number}", domain=roads).code for number in range(12)}
    page, base = browser_page, live_server.url

    log_in(page, base, "office")
    page.goto(f"{base}/projects/")
    page.click("a:has-text('导出 Excel')")
    page.wait_for_url(f"{base}/exports/mine/*/")
    job = Job.objects.get()
    progress = page.locator("#job .job-progress")
    assert progress.locator("[data-job-field=status_label]").inner_text() == "排队中"
    assert progress.locator("[data-job-field=rows_total]").inner_text() == "12"
    assert not progress.locator("[data-job-download]").is_visible()

    tasks.run_job(job.pk)  # what the worker does with the queued task
    progress.locator("[data-job-download]").wait_for(state="visible")
    assert progress.locator("[data-job-field=status_label]").inner_text() == "已完成"
    assert progress.locator("[data-job-field=rows_done]").inner_text() == "12"
    assert progress.locator("progress").get_attribute("value") in ("100", "100.0")
    screenshot(page, "export-job")

    page.reload()
    assert page.locator("#notification-bell .badge").inner_text() == "1"
    page.click("#notification-bell")
    page.click(f"#notifications a:has-text('导出已完成：{job.title}')")
    page.wait_for_url(f"{base}{job.get_absolute_url()}")

    page.click("nav .dropdown-toggle >> nth=-1")
    page.click("text=我的导出")
    page.wait_for_url(f"{base}/exports/mine/")
    with page.expect_download() as download_info:
        page.click(f"#jobs tr:has(a[href='{job.get_absolute_url()}']) [data-job-download]")
    download = download_info.value
    assert download.failure() is None and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    cells = {value for row in load_workbook(saved).active.iter_rows(values_only=True) for value in row}
    assert codes <= cells
    assert_no_problems(page)


@pytest.mark.django_db(transaction=True)
def test_a_long_import_runs_as_a_job_and_reports_its_errors(
    browser_page, live_server, settings, held_queue, office, tmp_path
):
    settings.IMPORT_JOB_THRESHOLD_ROWS = 2
    roads, water = DomainFactory(name="智能交通"), DomainFactory(name="智慧水务")
    for number in range(4):
        ProjectFactory(code=f"K{number:03d}", name=f"导入项目{number}", domain=roads)
    exported = export_xlsx(ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表")
    upload = tmp_path / "项目库（修改）.xlsx"
    upload.write_bytes(edit_xlsx(exported, "项目名称", "项目编号", {("K001", "领域"): "智慧水务"}))
    page, base = browser_page, live_server.url

    log_in(page, base, "office")
    page.goto(f"{base}/imports/projects/")
    page.set_input_files("#id_file", upload)
    page.click("button:has-text('预览')")
    page.wait_for_selector("#count-updated")
    assert page.locator("#count-updated").inner_text() == "1"
    water.delete()  # between the preview and the confirm, the domain the file names goes
    page.click("button:has-text('确认导入')")
    job = Job.objects.get()
    page.wait_for_url(f"{base}{job.get_absolute_url()}")
    assert page.locator("#job [data-job-field=status_label]").inner_text() == "排队中"

    tasks.run_job(job.pk)
    errors = page.locator("#import-errors")
    errors.wait_for()  # the poller reloads the page once the job has finished
    assert "智慧水务" in errors.inner_text() or "领域" in errors.inner_text()
    screenshot(page, "import-job-errors")
    with page.expect_download() as download_info:
        page.click("#job [data-job-download]")
    report = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(report)
    assert any("领域" in row for row in load_workbook(report).active.iter_rows(values_only=True))
    assert Project.objects.get(code="K001").domain == roads
    assert_no_problems(page)
