"""The leaders' dashboard in a real browser (Debian's chromium driven by Playwright), on the demo data.

The leader opens the dashboard on a laptop-sized screen: every chart is drawn by the locally served plotly.js and the
page does not scroll sideways; a bar of a chart and the red-projects figure each lead to the project list with as
many projects as they show, with the list's filters as chips that each remove themselves; the printable summary
renders; the language switch turns the dashboard into English and back into Chinese. No page fetches anything from
outside the server, logs a console error or gets a 4xx/5xx answer.
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from .support import VIEWPORT, assert_no_problems, log_in, printed, requires_browser, screenshot

pytestmark = requires_browser

ALL_CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll("[data-plotly-figure]")];
    return charts.length > 0 && charts.every((chart) => chart.querySelector(".main-svg"));
}"""
# The widest bar of a chart: its place on the page (in the viewport once scrolled to it).
WIDEST_BAR = """(chart) => {
    const boxes = [...chart.querySelectorAll(".bars path")].map((bar) => bar.getBoundingClientRect());
    const widest = boxes.reduce((best, box) => (box.width > best.width ? box : best));
    return {x: widest.x + widest.width / 2, y: widest.y + widest.height / 2};
}"""


@pytest.mark.django_db(transaction=True)
def test_leader_reads_the_dashboard(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    page, base = browser_page, live_server.url
    dashboard = f"{base}/reports/dashboard/"

    log_in(page, base, "leader")
    response = page.goto(dashboard)
    assert response.ok

    # Every chart ends up drawn; none is left empty.
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
    assert page.locator("[data-plotly-figure]").count() == 13
    assert page.locator("[data-plotly-figure] .main-svg").first.is_visible()
    # At a laptop's width the page does not scroll sideways (wide tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    screenshot(page, "dashboard")

    # A bar of "projects by status per domain" leads to the list of that domain's projects in that status: as many
    # as the bar is long. Every bar carries its list's address; the figure's data says how many projects each is.
    figure = page.evaluate("JSON.parse(document.getElementById('chart-status-by-domain-data').textContent)")
    counts = {url: x for trace in figure["data"] for url, x in zip(trace["customdata"], trace["x"], strict=True)}
    chart = page.locator("#chart-status-by-domain")
    chart.scroll_into_view_if_needed()
    bar = chart.evaluate(WIDEST_BAR)
    page.mouse.move(bar["x"], bar["y"])
    page.wait_for_selector("#chart-status-by-domain .hoverlayer .hovertext")
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url(f"{base}/projects/?**")
    address = urlsplit(page.url)
    shown = counts[f"{address.path}?{address.query}"]
    assert shown > 0 and "domain=" in address.query and "status=" in address.query
    assert int(page.locator("#total-count").inner_text()) == shown
    screenshot(page, "project-list-drilldown", scroll_to=".list-totals")

    # The drill-down's filters show as chips, the panel of every filter folded; removing the status chips one by one
    # widens the list to the whole domain, and the count is still the list's length.
    labels = [text.split("：")[0].split()[-1] for text in page.locator(".filter-chip").all_inner_texts()]
    assert "领域" in labels and "状态" in labels
    assert not page.locator("#more-filters").is_visible()
    screenshot(page, "project-list-chips")
    while page.locator(".filter-chip", has_text="状态").count():
        page.locator(".filter-chip", has_text="状态").first.click()
        page.wait_for_load_state("load")
    query = dict(parse_qsl(urlsplit(page.url).query))
    assert "status" not in query and "domain" in query
    assert page.locator(".filter-chip", has_text="领域").count() == 1
    widened = int(page.locator("#total-count").inner_text())
    assert widened >= shown
    page.goto(f"{page.url}&per_page=200")
    assert page.locator("table tbody tr").count() == widened

    # The red figure leads to the list of exactly that many projects.
    page.goto(dashboard)
    red = page.locator("#figure-red")
    shown = int(red.inner_text())
    assert shown > 0
    red.click()
    page.wait_for_url(f"{base}/projects/?region=*&health=red")  # the leader's own region, chosen by default
    assert int(page.locator("#total-count").inner_text()) == shown

    # The one-page summary for the leaders' meeting: one landscape A4 sheet, with the red projects and their problems.
    response = page.goto(f"{base}/reports/summary/")
    assert response.ok
    assert page.locator("#summary-figures").is_visible()
    assert page.locator("#summary-red-projects tbody tr").count() == min(shown, 6)
    assert "主要原因" in page.locator("#summary-red-projects").inner_text()  # the demo's latest 存在问题
    pages, (width, height) = printed(page)
    assert pages == 1 and (round(width), round(height)) == (842, 595)
    screenshot(page, "dashboard-summary")

    # English and back: the switch reloads the same page in the chosen language, charts included, and the choice
    # holds on the next page.
    page.goto(dashboard)
    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.url == dashboard
    assert page.locator("h1").inner_text() == "Leaders' dashboard"
    assert page.locator("nav a.nav-link", has_text="Workbench").is_visible()
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
    assert "In progress" in page.locator("#chart-status-by-domain .legend").text_content()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    screenshot(page, "dashboard-en")
    page.goto(f"{base}/reports/summary/")
    assert printed(page)[0] == 1
    page.goto(f"{base}/projects/")
    assert page.locator("h1").inner_text() == "Project library"
    page.click("button[value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator("h1").inner_text() == "项目库"
    page.goto(dashboard)
    assert page.locator("h1").inner_text() == "领导驾驶舱"
    assert "在建" in page.locator("#chart-status-by-domain .legend").text_content()

    assert_no_problems(page)
