"""In a real browser (chromium), a result class, a unit and a domain named like a link show in the dashboard's charts
as the text they are: plotly draws no link of them (it drew one in the legend before reports.charts.label)."""

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Role
from tests.factories import UserFactory
from tests.reports.test_chart_labels import LINK, hostile_world

from .support import PASSWORD, assert_no_problems, log_in, requires_browser

pytestmark = requires_browser

ALL_CHARTS_DRAWN = """() => {
    const charts = [...document.querySelectorAll("[data-plotly-figure]")];
    return charts.length > 0 && charts.every((chart) => chart.querySelector(".main-svg"));
}"""


@pytest.mark.django_db(transaction=True)
def test_names_like_links_are_shown_as_text(browser_page, live_server):
    hostile_world()
    leader = UserFactory(username="leader-browser")
    leader.groups.add(Group.objects.get(name=Role.LEADER))
    leader.set_password(PASSWORD)
    leader.save()
    page, base = browser_page, live_server.url
    log_in(page, base, "leader-browser")
    assert page.goto(f"{base}/reports/dashboard/").ok
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=15_000)
    charts = page.locator("[data-plotly-figure]")
    assert charts.locator("a").count() == 0
    legend = page.locator("#chart-result-classes .legend").text_content()
    assert LINK in legend
    ticks = page.locator("#chart-status-by-domain .yaxislayer-above").text_content()
    assert f"{LINK}领域" in ticks
    assert_no_problems(page)
