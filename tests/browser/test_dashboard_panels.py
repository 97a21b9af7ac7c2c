"""The leaders' dashboard at a laptop's 1366×768, in a real browser (Debian's chromium driven by Playwright), on the
demo data, as the leader and as the office.

In Chinese and in English (whose labels are longer), no chart cuts off a tick label or an axis title (users found the
trend chart's right-hand axis cut off), and every chart fills its card. The bar of sections at the top of the page
reaches each part of the page, by keyboard (Enter on a link) and by mouse, with the part's heading in view below the
bar; a link into the page from outside (a scorecard column's sort) lands the same way; print leaves the bar out and
keeps every part. Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it).
"""

import pytest
from django.core.management import call_command

from .support import SCREENSHOT_DIR, assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser

ALL_CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll("[data-plotly-figure]")];
    return charts.length > 0 && charts.every((chart) => chart.querySelector(".main-svg"));
}"""
# Every tick label (both y axes, both levels of a two-level axis) and axis title of every chart, with how far it
# reaches past its chart's drawing (svg.main-svg) on each side (plotly hides what reaches past it), and whether the
# chart's legend lies over it (the legend under the trend chart hid the ends of its slanted months).
LABELS = """() => [...document.querySelectorAll("[data-plotly-figure]")].flatMap((chart) => {
    const svg = chart.querySelector("svg.main-svg").getBoundingClientRect();
    const legend = chart.querySelector(".legend")?.getBoundingClientRect();
    const over = (a, b) => b && Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const found = chart.querySelectorAll(
        ".xtick text, .ytick text, .y2tick text, .xtick2 text, .ytick2 text, .g-xtitle, .g-ytitle, .g-y2title"
    );
    return [...found].filter((label) => label.textContent.trim()).map((label) => {
        const box = label.getBoundingClientRect();
        const past = Math.max(svg.left - box.left, box.right - svg.right, svg.top - box.top, box.bottom - svg.bottom);
        return {chart: chart.id, text: label.textContent, past: Math.round(past * 10) / 10, covered: over(box, legend)};
    });
})"""
# Each chart's drawing against the width of the card body it sits in.
CHART_WIDTHS = """() => [...document.querySelectorAll("[data-plotly-figure]")].map((chart) => ({
    chart: chart.id,
    drawn: Math.round(chart.querySelector("svg.main-svg").getBoundingClientRect().width),
    room: Math.round(chart.getBoundingClientRect().width),
}))"""
# Where an element stands against the bar of sections and the bottom of the screen.
PLACE = """(element) => {
    const box = element.getBoundingClientRect();
    const bar = document.getElementById("dashboard-nav").getBoundingClientRect();
    return {top: box.top, bottom: box.bottom, bar: bar.bottom, screen: window.innerHeight};
}"""


def assert_labels_whole(page, language):
    labels = page.evaluate(LABELS)
    # Not a check of nothing: the bar charts' categories, the money axes and the trend's right-hand axis are there.
    assert len(labels) > 100
    assert any(label["chart"] == "chart-progress-trend" and label["text"].endswith("%") for label in labels)
    cut = [label for label in labels if label["past"] > 0.5 or label["covered"]]
    assert not cut, f"labels cut off or covered ({language}): {cut}"
    for chart in page.evaluate(CHART_WIDTHS):
        assert abs(chart["drawn"] - chart["room"]) <= 2, chart


def assert_in_view(page, selector):
    place = page.locator(selector).first.evaluate(PLACE)
    # Below the bar that stays at the top, not hidden under it, and above the bottom of the screen.
    assert place["top"] >= place["bar"] - 1 and place["bottom"] <= place["screen"], (selector, place)


def section_ids(page):
    return [
        href.removeprefix("#")
        for href in page.locator("#dashboard-nav a").evaluate_all("(a) => a.map((l) => l.getAttribute('href'))")
    ]


@pytest.mark.django_db(transaction=True)
def test_every_label_whole_and_every_part_one_link_away(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    # The leader and the office on one demo load: a new session each (cookies cleared), so each starts in Chinese.
    for username in ("leader", "office"):
        browser_page.context.clear_cookies()
        read_the_dashboard(browser_page, live_server.url, username)
    assert_no_problems(browser_page)


def read_the_dashboard(page, base, username):
    dashboard = f"{base}/reports/dashboard/"
    log_in(page, base, username)

    for language in ("zh-hans", "en"):
        page.goto(dashboard)
        if language == "en":
            page.click("button[value=en]")
            page.wait_for_selector("html[lang=en]")
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
        assert_labels_whole(page, language)
        if username == "leader":
            screenshot(page, f"dashboard-panels-{language}")
            trend = page.locator(".card", has=page.locator("#chart-progress-trend"))
            trend.screenshot(path=SCREENSHOT_DIR / f"dashboard-trend-{language}.png", animations="disabled")

        # Every part of the page has its link, in the page's order; the demo's 宁波市 has regions below and proposals.
        sections = section_ids(page)
        assert sections == page.locator("section.dashboard-section").evaluate_all("(s) => s.map((e) => e.id)")
        assert {"headline", "key-lists-below", "portfolio", "milestones", "money", "targets", "proposals"} < set(
            sections
        )
        assert sections[-1] == "scorecard"
        # Without a mouse in Chinese (Enter on the focused link), with one in English; the last part first, so each
        # jump moves the page.
        for section_id in reversed(sections):
            link = page.locator(f'#dashboard-nav a[href="#{section_id}"]')
            if language == "en":
                link.click()
            else:
                link.focus()
                page.keyboard.press("Enter")
            page.wait_for_url(f"**#{section_id}")
            assert_in_view(page, f"#{section_id} h2")
            # The bar marks the part being read.
            if section_id == "money":
                page.wait_for_selector('#dashboard-nav a.active[href="#money"]')
        # Back to the top through the first link: the bar was there all along.
        assert page.evaluate("window.scrollY") < 400

    # A scorecard column's sort reloads the page at the scorecard, its heading in view below the bar; a card's own
    # address lands the same way.
    page.goto(f"{dashboard}?sort=projects#scorecard")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
    assert_in_view(page, "#scorecard h2")
    page.goto(f"{dashboard}?sort=projects#late-milestones")
    assert_in_view(page, "#late-milestones .card-header")

    # Print leaves the bar out and keeps every part.
    page.emulate_media(media="print")
    try:
        assert page.locator("#dashboard-nav").is_hidden()
        for section_id in sections:
            assert page.locator(f"#{section_id}").is_visible()
        charts = page.locator("[data-plotly-figure]")
        assert charts.count() == 13 and all(chart.is_visible() for chart in charts.all())
    finally:
        page.emulate_media(media="screen")
