"""The leaders' dashboard in a real browser (Debian's chromium driven by Playwright), on the demo data.

The leader opens the dashboard on a laptop-sized screen: every chart is drawn by the locally served plotly.js, nothing
is fetched from outside the server, nothing is logged to the console as an error and the page does not scroll
sideways; the red-projects figure leads to the project list with that many projects; the printable summary renders.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import pytest
from django.core.management import call_command

from .support import log_in, requires_browser

pytestmark = requires_browser

WIDTH = 1366
ALL_CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll("[data-plotly-figure]")];
    return charts.length > 0 && charts.every((chart) => chart.querySelector(".main-svg"));
}"""


@pytest.mark.django_db(transaction=True)
def test_leader_reads_the_dashboard(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": WIDTH, "height": 768})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, base, "leader")
    response = page.goto(f"{base}/reports/dashboard/")
    assert response.ok

    # Every chart ends up drawn; none is left empty.
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
    assert page.locator("[data-plotly-figure]").count() == 13
    assert page.locator("[data-plotly-figure] .main-svg").first.is_visible()
    # At a laptop's width the page does not scroll sideways (wide tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # The red figure leads to the list of exactly that many projects.
    red = page.locator("#figure-red")
    shown = int(red.inner_text())
    assert shown > 0
    red.click()
    page.wait_for_url(f"{base}/projects/?health=red")
    assert int(page.locator("#total-count").inner_text()) == shown

    # The one-page summary for the leaders' meeting.
    response = page.goto(f"{base}/reports/summary/")
    assert response.ok
    assert page.locator(".summary-page #figure-projects").is_visible()
    assert page.locator(".summary-table").count() >= 2

    assert errors == [], "the console logged errors"
    assert page.outside_requests == [], "the intranet has no internet: every request must go to the server"
