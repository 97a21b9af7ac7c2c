"""The year's key-project list between a district office and its city office, in a real browser (Debian's chromium
driven by Playwright), on the demo data.

镇海区's office submits its list; 宁波市's office sees it awaiting approval and returns it with a reason; 镇海区 reads
the reason and submits again; the city approves it, and its panel of the districts' lists says so. No page fetches
anything from outside the server, logs a console error or gets a 4xx/5xx answer.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.choices import KeyListStatus
from projects.models import Baseline

from .support import assert_no_problems, log_in, log_out, requires_browser, screenshot

pytestmark = requires_browser

REASON = "请补充智慧水务二期项目，并核对各项目的计划投资。"


@pytest.mark.django_db(transaction=True)
def test_a_district_list_is_returned_then_approved(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    year = timezone.localdate().year
    # The demo's 镇海区 list of this year awaits the city already: this journey starts before it was submitted.
    Baseline.objects.filter(region__name="镇海区", year=year).delete()
    page, base = browser_page, live_server.url

    # 镇海区's office submits its year's list to the city.
    log_in(page, base, "zhenhai")
    page.goto(f"{base}/baselines/")
    form = page.locator("form.key-list-form")
    assert "宁波市智慧城市建设工作领导小组办公室" in form.inner_text()
    form.locator("#id_year").fill(str(year))
    form.locator("#id_note").fill("区政府常务会议审议通过")
    form.locator("button:has-text('报送审定')").click()
    page.wait_for_selector(".alert-success")
    baseline = Baseline.objects.get(region__name="镇海区", year=year)
    assert page.url == f"{base}/baselines/{baseline.pk}/"
    assert page.locator(".key-list-summary .key-list-submitted").inner_text() == "待审定"
    log_out(page)

    # The city's office finds it awaiting approval, on the list and in the panel of its districts, and returns it.
    log_in(page, base, "office")
    page.goto(f"{base}/baselines/")
    panel = page.locator(".key-lists-below")
    assert "镇海区" in panel.inner_text() and "象山县" in panel.inner_text()
    row = page.locator(f"#awaiting-{baseline.pk}")
    screenshot(page, "key-lists-city")
    row.locator("summary:has-text('退回')").click()
    row.locator("textarea[name=reason]").fill(REASON)
    row.locator("button:has-text('退回区县')").click()
    page.wait_for_selector(".alert-success")
    assert page.locator(".key-list-summary .key-list-returned").inner_text() == "已退回"
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.RETURNED
    log_out(page)

    # 镇海区 reads the reason and submits the list again.
    log_in(page, base, "zhenhai")
    page.goto(f"{base}/baselines/{baseline.pk}/")
    assert REASON in page.locator(".key-list-return-reason").inner_text()
    screenshot(page, "key-list-returned")
    page.locator("form.key-list-resubmit [name=note]").fill("已补充")
    page.click("button:has-text('重新报送')")
    page.wait_for_selector(".alert-success")
    assert page.locator(".key-list-summary .key-list-submitted").inner_text() == "待审定"
    log_out(page)

    # The city approves it; the list's page shows its whole course, the panel the district's list approved.
    log_in(page, base, "office")
    page.goto(f"{base}/baselines/")
    page.locator(f"#awaiting-{baseline.pk} button:has-text('审定通过')").click()
    page.wait_for_selector(".alert-success")
    assert page.locator(".key-list-summary .key-list-approved").inner_text() == "已审定"
    history = page.locator(".key-list-history").inner_text()
    assert history.count("待审定") == 2 and "已退回" in history and REASON in history and "已审定" in history
    screenshot(page, "key-list-approved")
    page.goto(f"{base}/baselines/")
    zhenhai_row = page.locator(".key-lists-below tr", has_text="镇海区")
    assert "已审定" in zhenhai_row.inner_text()
    assert page.locator(f"#awaiting-{baseline.pk}").count() == 0
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.APPROVED
    assert_no_problems(page)
