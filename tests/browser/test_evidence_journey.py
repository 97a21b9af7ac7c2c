"""Issue 20's journey, the reports' part, in a real browser: the liaison files the month's report with two phone
photos (a HEIC from the camera, a JPEG forwarded through a messenger); one of them is the same picture as a photo of the
report two months earlier, re-saved smaller. The office of the region sees both photos beside the figures, the date
each was taken (unknown for the forwarded one) and the reuse flag naming the earlier report, and approves; the
project's page shows the photos by month. The reply's part (the signer's stamped letter, the committee publishing the
reply's text) is ``tests/attachments/test_reply_pdf_browser.py``.

Skipped where chromium is missing, unless REQUIRE_BROWSER is set."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from attachments import services
from attachments.models import Attachment
from projects.choices import ReportStatus
from projects.models import ProgressReport, Project, period_of
from projects.selectors import current_period
from tests.attachments import hostile, pictures
from tests.factories import ProgressReportFactory

from .support import assert_no_problems, log_in, log_out, requires_browser, screenshot

pytestmark = requires_browser


def months_before(period: str, months: int) -> str:
    year, month = map(int, period.split("-"))
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def approved_report(project, period):
    report = ProgressReport.objects.filter(project=project, period=period).first()
    if report is None:
        report = ProgressReportFactory(project=project, period=period, status=ReportStatus.APPROVED)
    return report


@pytest.mark.django_db(transaction=True)
def test_photos_filed_flagged_and_approved(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    liaison = User.objects.get(username="liaison")
    period = current_period()
    project = Project.objects.without_report(period).filter(lead_org=liaison.organization).order_by("code").first()

    # The two months before, as the unit filed them: a site photo each.
    first_month, second_month = months_before(period, 2), months_before(period, 1)
    taken = timezone.localtime().replace(day=10, hour=9, minute=30, tzinfo=None) - datetime.timedelta(days=60)
    for month, seed in ((first_month, 71), (second_month, 72)):
        services.attach(
            actor=liaison,
            obj=approved_report(project, month),
            files=[pictures.photo(seed, name=f"{month}现场.jpg", taken=taken)],
            check_permission=False,
        )
    earlier = Attachment.objects.get(name=f"{first_month}现场.jpg")

    # The liaison files this month's report with two phone photos, dropped on the row's drop zone.
    log_in(page, base, "liaison")
    page.goto(f"{base}/progress/report/?period={period}")
    prefix = f"#id_p{project.pk}"
    page.fill(f"{prefix}-progress", "66")
    page.fill(f"{prefix}-investment_completed", "35")
    page.fill(f"{prefix}-summary", "完成前端感知设备安装，平台联调进度过半。")
    camera = hostile.heic_bytes(73, taken=datetime.datetime.now(), size=(1600, 1200))
    forwarded = pictures.resaved(71, name="微信图片_20261130.jpg")
    page.set_input_files(
        f"{prefix}-photos",
        files=[
            {"name": "IMG_4821.HEIC", "mimeType": "image/heic", "buffer": camera},
            {"name": forwarded.name, "mimeType": "image/jpeg", "buffer": forwarded.read()},
        ],
    )
    page.click("button:has-text('提交报表')")
    page.wait_for_selector(".alert-success")
    report = ProgressReport.objects.get(project=project, period=period, status=ReportStatus.SUBMITTED)
    photos = {attachment.name: attachment for attachment in report.attachments.all()}
    assert sorted(photos) == ["IMG_4821.heic", "微信图片_20261130.jpg"]
    assert photos["微信图片_20261130.jpg"].reused_from_id == earlier.pk
    assert photos["IMG_4821.heic"].reused_from_id is None
    log_out(page)

    # The office of the unit's region sees the photos, their dates and the flag, then approves.
    log_in(page, base, "zhenhai")
    page.goto(f"{base}/progress/review/?lead_org={liaison.organization_id}")
    row = page.locator(f"#report-{report.pk}")
    thumbnails = row.locator(".attachment-photo img")
    assert thumbnails.count() == 2
    row.scroll_into_view_if_needed()  # the thumbnails load lazily, once in view
    for index in range(2):
        # Each thumbnail is its own request, which may still be on its way when the page's load event has fired.
        loaded = "(image) => image.complete && image.naturalWidth > 0"
        page.wait_for_function(loaded, arg=thumbnails.nth(index).element_handle(), timeout=15_000)
    flag = row.locator(".attachment-reused")
    assert flag.count() == 1
    assert first_month in flag.inner_text() and project.code in flag.inner_text()
    assert "拍摄时间：未知" in row.inner_text()  # the forwarded photo lost its date on the way
    screenshot(page, "review-queue-photos", scroll_to=f"#report-{report.pk}")
    page.check(f"#report-{report.pk} input[name=selected]")
    page.click("button:has-text('批量通过')")
    page.wait_for_selector(".alert-success")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED

    # The project's page: the photos by month, the newest first.
    page.goto(f"{base}/projects/{project.pk}/")
    timeline = page.locator("#photos")
    assert timeline.count() == 1
    months = timeline.locator("[data-period]").evaluate_all("(items) => items.map((item) => item.dataset.period)")
    assert months == [period, second_month, first_month]
    screenshot(page, "project-photo-timeline", scroll_to="#photos")
    assert period_of(timezone.localdate()) == period
    assert_no_problems(page)
