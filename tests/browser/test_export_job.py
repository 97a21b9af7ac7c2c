"""A long export as a background job, in a real browser: the office asks for the project library as Excel; above
EXPORT_JOB_THRESHOLD_ROWS (set low here) the page that answers is the job's, queued. The job is then run (as a
worker would: the test holds the queue, so that the page is seen before and after), and the page's poller shows it
done with its download without a reload; the bell counts the notification, which leads back to the job; 我的导出 in
the user menu lists it and downloads the file, which holds every listed project.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set.
"""

import pytest
from openpyxl import load_workbook

from accounts.choices import Role
from config.celery import app
from jobs import tasks
from jobs.models import Job
from tests.factories import DomainFactory, OrganizationFactory, ProjectFactory, UserFactory

from .support import PASSWORD, assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser


@pytest.mark.django_db(transaction=True)
def test_office_gets_a_long_export_from_my_exports(browser_page, live_server, settings, monkeypatch, tmp_path):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 5
    # The tasks go to a queue in this process's memory that nobody reads: the test runs the job itself.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", "memory://")
    office = OrganizationFactory(name="市智慧办")
    UserFactory(username="office", password=PASSWORD, organization=office, role=Role.OFFICE)
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

    tasks.run_export(job.pk)  # what the worker does with the queued task
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
