"""The month's reporting, end to end in a real browser (Debian's chromium driven by Playwright).

The liaison reports for all of their unit's projects, each with a site photo; the office sees the photos, returns one
report and approves the others; the project page shows the approved progress and the liaison's workbench shows the
returned report with its reason. No page fetches anything from outside the server, logs a console error or gets a
4xx/5xx answer for itself or a resource.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import pytest
from django.core.management import call_command

from accounts.models import User
from attachments.models import Attachment
from projects.models import ProgressReport, Project
from tests.attachments.pictures import jpeg, scene

from .support import assert_no_problems, log_in, log_out, requires_browser, screenshot

pytestmark = requires_browser


@pytest.mark.django_db(transaction=True)
def test_liaison_reports_office_reviews(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    liaison = User.objects.get(username="liaison")
    own_projects = list(
        Project.objects.without_report(_period()).filter(lead_org=liaison.organization).order_by("code")
    )
    assert len(own_projects) == 3

    # The liaison sees the missing reports on the workbench and reports all of them on one page.
    log_in(page, base, "liaison", shot="login")
    assert page.locator("text=工作台").first.is_visible()
    for project in own_projects:
        assert page.locator(f"a:has-text('{project.code}')").first.is_visible()
    screenshot(page, "workbench-liaison")
    page.click("text=立即填报")
    for number, project in enumerate(own_projects):
        prefix = f"#id_p{project.pk}"
        page.fill(f"{prefix}-progress", str(70 + number))
        page.fill(f"{prefix}-investment_completed", "12.5")
        page.fill(f"{prefix}-summary", f"完成第{number + 1}批数据接入与联调测试。")
        page.fill(f"{prefix}-next_steps", "下月完成上线试运行。")
        # A site photo on each row (a key or pilot project under construction needs one); sent with the page.
        photo = {"name": f"现场照片{number + 1}.jpg", "mimeType": "image/jpeg", "buffer": jpeg(scene(50 + number))}
        page.set_input_files(f"{prefix}-photos", files=[photo])
    screenshot(page, "progress-report-form")
    screenshot(page, "progress-report-photos", scroll_to=".report-photos-field")
    page.click("button:has-text('提交报表')")
    page.wait_for_selector(".alert-success")
    filed = ProgressReport.objects.filter(project__in=own_projects, period=_period(), status="submitted")
    assert filed.count() == 3
    assert sorted(Attachment.objects.filter(progress_report__in=filed).values_list("name", flat=True)) == [
        "现场照片1.jpg",
        "现场照片2.jpg",
        "现场照片3.jpg",
    ]
    log_out(page)

    # The office of the unit's region (镇海区) returns the first with a reason and approves the other two.
    log_in(page, base, "zhenhai")
    page.goto(f"{base}/progress/review/?lead_org={liaison.organization_id}")
    first, *others = own_projects
    first_report = ProgressReport.objects.get(project=first, period=_period())
    screenshot(page, "review-queue")
    row = page.locator(f"#report-{first_report.pk}")
    # The photo beside the figures, its thumbnail loaded (a 4xx would be among the page's problems).
    thumbnail = row.locator(".attachment-photo img")
    assert thumbnail.count() == 1
    assert thumbnail.evaluate("(image) => image.complete && image.naturalWidth > 0")
    row.locator("summary").click()
    row.locator("textarea").fill("投资完成额与资金拨付记录不一致，请核对后重新报送。")
    row.locator("button:has-text('退回给单位')").click()
    page.wait_for_selector(".alert-success")
    for project in others:
        report = ProgressReport.objects.get(project=project, period=_period())
        page.check(f"#report-{report.pk} input[name=selected]")
    page.click("button:has-text('批量通过')")
    page.wait_for_selector(".alert-success")
    statuses = dict(
        ProgressReport.objects.filter(project__in=own_projects, period=_period()).values_list("project__code", "status")
    )
    assert statuses == {first.code: "returned", **{p.code: "approved" for p in others}}

    # The project page shows the approved progress.
    page.goto(f"{base}/projects/{others[0].pk}/")
    assert "71.0%" in page.locator(".progress-cell").first.inner_text()
    screenshot(page, "project-page")
    log_out(page)

    # The liaison's workbench shows the returned report with its reason.
    log_in(page, base, "liaison")
    returned = page.locator(".returned-report")
    assert returned.count() == 1
    assert "投资完成额与资金拨付记录不一致" in returned.inner_text()
    assert first.code in returned.inner_text()

    assert_no_problems(page)


def _period():
    from projects.selectors import current_period

    return current_period()
