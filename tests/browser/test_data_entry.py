"""Data entry without a fight, in a real browser (Debian's chromium driven by Playwright), on the demo data.

The district office creates a project with the usual six milestones from the template in one save, their planned dates
reckoned from the planned span, after adding and removing a row of its own (the filter chips' journey, from a
dashboard bar, is in test_dashboard.py).
Skipped where chromium is missing, unless REQUIRE_BROWSER is set (CI sets it, so a missing browser fails there).
"""

import datetime

import pytest
from django.core.management import call_command

from accounts.models import Organization
from projects.milestone_template import USUAL_MILESTONES, planned_date
from projects.models import Domain, Project

from .support import assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser


def choose(page, selector, value):
    """Pick an option of a select, whether the page shows it plainly or as a searchable picker."""
    page.locator(selector).select_option(value, force=True)
    page.locator(selector).dispatch_event("change")


@pytest.mark.django_db(transaction=True)
def test_district_office_creates_a_project_with_the_usual_milestones_in_one_save(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    log_in(page, base, "zhenhai")  # the district's office, for a district unit's project
    page.goto(f"{base}/projects/add/")
    page.fill("#id_code", "NB-2027-088")
    page.fill("#id_name", "城市运行管理服务平台二期")
    choose(page, "#id_domain", str(Domain.objects.order_by("pk").first().pk))
    choose(page, "#id_lead_org", str(Organization.objects.get(short_name="区经信局").pk))
    page.fill("#id_total_investment", "1200")
    page.fill("#id_planned_start", "2027-01-01")
    page.fill("#id_planned_end", "2027-12-31")

    # A row of one's own, added and removed again by keyboard: the page numbers the rows on without a gap.
    page.get_by_role("button", name="添加一行").press("Enter")
    assert page.locator("tbody [data-formset-form]").count() == 2
    page.keyboard.type("临时节点")
    page.locator("tbody [data-formset-form]").nth(1).get_by_role("button", name="移除此行").click()
    assert page.locator("tbody [data-formset-form]").count() == 1

    page.get_by_role("button", name="套用常用关键节点（6 个）").click()
    rows = page.locator("tbody [data-formset-form]")
    assert rows.count() == 6
    assert page.locator("input[name=milestones-TOTAL_FORMS]").input_value() == "6"
    assert "权重合计 100（应为 100）" in page.locator("[data-formset-sum]").inner_text()
    start, end = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)
    assert [rows.nth(i).locator("input[name$=-planned_date]").input_value() for i in range(6)] == [
        planned_date(usual, start, end).isoformat() for usual in USUAL_MILESTONES
    ]
    screenshot(page, "project-form-milestones", scroll_to="[data-formset-fill]")

    posts.clear()
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector(".alert-success")
    assert len([url for url in posts if url.endswith("/projects/add/")]) == 1
    project = Project.objects.get(code="NB-2027-088")
    assert list(project.milestones.values_list("name", "weight", "planned_date")) == [
        (usual.name, usual.weight, planned_date(usual, start, end)) for usual in USUAL_MILESTONES
    ]
    assert_no_problems(page)
