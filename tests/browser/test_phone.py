"""The liaison on a phone (360×740, touch), as from a construction site: the start page, the month's reports filed on
the reporting page, and a supervision notice answered with evidence, in a real browser (Debian's chromium).

On every page nothing scrolls sideways (the document is exactly as wide as the screen), no visible text is smaller
than 12 px, the figures typed in are full-width 16 px inputs, every form control has a label and Tab moves through a
report's figures in reading order. The navigation collapses behind its menu button and still fits when opened.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import pytest
from django.core.management import call_command

from accounts.models import User
from projects.models import ProgressReport, Project
from projects.selectors import current_period
from supervision.choices import NoticeStatus
from supervision.models import Notice
from tests.attachments import pictures

from .support import CHROMIUM, CHROMIUM_ARGS, assert_no_problems, log_in, requires_browser, screenshot, watch

pytestmark = requires_browser

PHONE = {"width": 360, "height": 740}

# The visible elements with text of their own whose computed font size is under 12 px.
TOO_SMALL = """() => [...document.querySelectorAll('body *')]
  .filter((element) => element.getClientRects().length && parseFloat(getComputedStyle(element).fontSize) < 12
    && [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim()))
  .map((element) => `${element.tagName}.${element.className}: ${element.textContent.trim().slice(0, 40)}`)"""

# The visible form controls no label names, and any element that reorders the keyboard's path (tabindex > 0).
UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
  .filter((control) => control.getClientRects().length && !control.labels.length
    && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
  .map((control) => control.name)
  .concat([...document.querySelectorAll('[tabindex]')].filter((element) => element.tabIndex > 0)
    .map((element) => `tabindex ${element.tabIndex}: ${element.tagName}`))"""


@pytest.fixture
def phone_page(live_server, monkeypatch):
    """A chromium page the size of a small phone held upright, touch and mobile viewport on, in Chinese."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", reduced_motion="reduce"
        )
        page = context.new_page()
        watch(page, live_server.url)
        yield page
        browser.close()


def assert_fits(page):
    """Nothing scrolls sideways, no text is too small to read, every control is labelled."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"], page.url
    assert page.evaluate(TOO_SMALL) == [], page.url
    assert page.evaluate(UNLABELLED) == [], page.url


def font_size(page, selector) -> float:
    return page.locator(selector).first.evaluate("(element) => parseFloat(getComputedStyle(element).fontSize)")


def width(page, selector) -> float:
    return page.locator(selector).first.bounding_box()["width"]


def assert_thumbnails_load(page):
    """Each photo's thumbnail, lazily loaded, shows once scrolled to (and so appears in a full-page screenshot)."""
    for image in page.locator(".attachment-photo img").all():
        image.scroll_into_view_if_needed()
        image.evaluate("(image) => image.decode()")
        assert image.evaluate("(image) => image.naturalWidth") > 0


@pytest.mark.django_db(transaction=True)
def test_liaison_reports_and_answers_a_notice_on_a_phone(phone_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = phone_page, live_server.url
    liaison = User.objects.get(username="liaison")
    own_projects = list(
        Project.objects.without_report(current_period()).filter(lead_org=liaison.organization).order_by("code")
    )
    assert own_projects

    page.goto(f"{base}/accounts/login/")
    assert_fits(page)
    # The start page: the to-do counts, the portfolio's figures and the projects needing attention, stacked as cards.
    log_in(page, base, "liaison")
    assert_fits(page)
    for figure in (".todo-count", ".figure-card .figure", ".progress-cell .planned"):
        assert font_size(page, figure) >= 12, figure
    # The column headers, out of sight, still name the cells for a screen reader.
    assert page.get_by_role("columnheader", name="牵头单位").count() == 1
    assert width(page, "table.table-stack tbody tr") <= PHONE["width"]
    screenshot(page, "phone-start", full_page=True)

    # The navigation sits behind its menu button; opened, it fits and leads to the notifications and the reporting page.
    assert page.locator("#main-nav").is_hidden()
    page.tap("nav .navbar-toggler")
    page.locator("#main-nav a:has-text('进度填报')").wait_for(state="visible")
    assert_fits(page)
    screenshot(page, "phone-menu", full_page=True)
    page.tap("#notification-bell")
    page.wait_for_url(f"{base}/notifications/?unread=true")
    assert_fits(page)
    screenshot(page, "phone-notifications", full_page=True)
    page.tap("nav .navbar-toggler")
    page.tap("#main-nav a:has-text('进度填报')")
    page.wait_for_url(f"{base}/progress/report/")
    assert_fits(page)
    first = f"#id_p{own_projects[0].pk}"
    for field in ("progress", "investment_completed", "summary"):
        assert font_size(page, f"{first}-{field}") >= 16, field  # smaller inputs make phones zoom in
        assert width(page, f"{first}-{field}") >= 0.8 * PHONE["width"], field
    assert font_size(page, ".report-row .card-header .small") >= 12
    # Tab goes through a report's figures in the order they are read.
    page.focus(f"{first}-progress")
    for field in ("investment_completed", "summary", "problems"):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == f"{first}-{field}"[1:]
    screenshot(page, "phone-report", full_page=True)

    for number, project in enumerate(own_projects):
        prefix = f"#id_p{project.pk}"
        page.fill(f"{prefix}-progress", str(70 + number))
        page.fill(f"{prefix}-investment_completed", "12.5")
        page.fill(f"{prefix}-summary", f"完成第{number + 1}批设备安装与联调。")
        page.fill(f"{prefix}-next_steps", "下月完成上线试运行。")
        photo = pictures.photo(60 + number, name=f"工地{number + 1}.jpg")
        page.set_input_files(
            f"{prefix}-photos", files=[{"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read()}]
        )
    assert width(page, "button:has-text('提交报表')") >= 0.8 * PHONE["width"]
    page.tap("button:has-text('提交报表')")
    page.wait_for_selector(".alert-success")
    assert_fits(page)
    assert_thumbnails_load(page)
    screenshot(page, "phone-report-filed", full_page=True)
    # As the phone's screen shows it: the submit button stays at the bottom while the reports scroll by.
    screenshot(page, "phone-report-screen", scroll_to=f"#project-{own_projects[-1].pk}")
    filed = ProgressReport.objects.filter(project__in=own_projects, period=current_period(), status="submitted")
    assert sorted(filed.values_list("progress", flat=True)) == [70 + n for n in range(len(own_projects))]

    # A notice to the unit, opened from the start page and answered with a photo and a scanned document.
    notice = (
        Notice.objects.filter(unit=liaison.organization, status__in=NoticeStatus.awaiting_unit(), project__isnull=False)
        .order_by("pk")
        .first()
    )
    page.goto(f"{base}/")
    page.tap(f"#todo-notices_to_answer a:has-text('{notice.number}')")
    page.wait_for_url(f"{base}/supervision/notices/{notice.pk}/")
    assert_fits(page)
    for figure in (".notice-overview dd", "h1 .notice-level"):
        assert font_size(page, figure) >= 12, figure
    assert font_size(page, "#id_answer-text") >= 16
    assert width(page, "#id_answer-text") >= 0.8 * PHONE["width"]
    screenshot(page, "phone-notice", full_page=True)
    answer = "已增派两个施工班组，本月底前完成设备安装，附现场照片和整改方案。"
    page.fill("#id_answer-text", answer)
    photo, scan = pictures.photo(70, name="整改现场.jpg"), pictures.pdf(name="整改方案（镇海区经信局2026年12月）.pdf")
    page.set_input_files(
        "#id_answer-files",
        files=[
            {"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read()},
            {"name": scan.name, "mimeType": "application/pdf", "buffer": scan.read()},
        ],
    )
    page.tap("#step-answer button[type=submit]")
    page.wait_for_selector(".alert-success")
    notice.refresh_from_db()
    assert (notice.status, notice.answer) == (NoticeStatus.ANSWERED, answer)
    assert_fits(page)
    # The evidence: the photo's thumbnail and the document's row, stacked as a card.
    assert "整改现场.jpg" in page.locator("#evidence .attachment-photos").inner_text()
    assert page.locator("#evidence table.table-stack td").first.is_visible()
    assert width(page, "#evidence table.table-stack tbody tr") <= PHONE["width"]
    assert_thumbnails_load(page)
    screenshot(page, "phone-notice-answered", full_page=True)

    # In English, whose words are longer, the same pages fit as well.
    page.tap("nav .navbar-toggler")
    with page.expect_navigation():
        page.tap("#main-nav button[name=language][value=en]")
    for path in ("/", "/progress/report/", f"/supervision/notices/{notice.pk}/", "/supervision/notices/"):
        page.goto(f"{base}{path}")
        assert_fits(page)
    screenshot(page, "phone-notices-en", full_page=True)

    assert_no_problems(page)
