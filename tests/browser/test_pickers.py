"""The searchable pickers for units, plans, projects and regions (Tom Select, ``static/js/pickers.js``), in a real
browser on the demo data.

The office creates a project choosing its participating units and its plans by typing part of their names, with the
keyboard and with the mouse, removes one it chose by mistake, and the saved project has exactly the ones left. Each
picker is named by its field's label; a drop-down added to the page later becomes a picker too. A list's filters
chosen in pickers give the same address as the plain selects do without JavaScript. Nothing breaks the Content
Security Policy (Tom Select sets its dropdown's position from JavaScript), nothing is fetched from outside the server.
"""

import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Project

from .support import RECORD_VIOLATIONS, VIEWPORT, assert_no_problems, log_in, requires_browser, screenshot

pytestmark = requires_browser


def search(page, label, typed):
    """Type ``typed`` into the picker labelled ``label``; its matches, once the picker has narrowed its list."""
    picker = page.get_by_role("combobox", name=label)
    picker.click()
    picker.press_sequentially(typed)
    options = page.locator(f"#{picker.get_attribute('aria-controls')} .option")
    # On a busy machine a keystroke can land before the picker listens, or the box be emptied as the previous picker
    # closes: until the list has narrowed, the box is made to hold what was typed again.
    deadline = time.monotonic() + 15
    while True:
        if picker.input_value() != typed:
            picker.fill(typed)
        try:
            expect(options.filter(has_not_text=typed)).to_have_count(0, timeout=1_000)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    expect(options.first).to_be_visible()
    return options


def choose(page, label, typed, *, click=None):
    """Search the picker labelled ``label``, then take the first match with Enter, or click the match ``click``."""
    options = search(page, label, typed)
    if click:
        options.filter(has_text=click).click()
    else:
        page.get_by_role("combobox", name=label).press("Enter")


def chosen(page, field):
    return page.locator(f"#id_{field}").evaluate("(select) => Array.from(select.selectedOptions, (o) => o.text)")


@pytest.mark.django_db(transaction=True)
def test_the_office_picks_a_projects_units_and_plans(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, base, "office")
    page.goto(f"{base}/projects/add/")

    # Two units by keyboard (type, Enter), one by click among several matches, then one taken out again.
    choose(page, "参与单位", "镇海区经济")
    choose(page, "参与单位", "镇海区财政")
    options = search(page, "参与单位", "水利")
    assert sorted(options.all_inner_texts()) == ["宁波市水利局", "镇海区水利局"]
    screenshot(page, "picker-open", scroll_to="label[for=id_participating_orgs-ts-control]")
    options.filter(has_text="镇海区水利局").click()
    page.keyboard.press("Escape")
    page.locator(".ts-control .item", has_text="镇海区财政局").locator(".remove").click()
    assert sorted(chosen(page, "participating_orgs")) == ["镇海区水利局", "镇海区经济和信息化局"]

    choose(page, "规划计划", "规划纲要")
    choose(page, "规划计划", "2012", click="2012年宁波市加快创建智慧城市行动计划")
    page.keyboard.press("Escape")
    choose(page, "领域", "水务")
    choose(page, "牵头单位", "宁波市经济")
    page.fill("#id_code", "NB-PICK-01")
    page.fill("#id_name", "智慧停车诱导系统（选择器测试）")
    page.fill("#id_planned_start", "2027-01-01")
    page.fill("#id_planned_end", "2027-12-31")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")

    project = Project.objects.get(code="NB-PICK-01")
    assert page.url == f"{base}/projects/{project.pk}/"
    assert sorted(project.participating_orgs.values_list("name", flat=True)) == ["镇海区水利局", "镇海区经济和信息化局"]
    assert sorted(project.plans.values_list("title", flat=True)) == [
        "2012年宁波市加快创建智慧城市行动计划",
        "“智慧镇海”建设规划纲要",
    ]
    assert (project.domain.name, project.lead_org.name) == ("智慧水务", "宁波市经济和信息化委员会")

    # Editing it again shows what was chosen, in the pickers.
    page.goto(f"{base}/projects/{project.pk}/edit/")
    items = page.locator("#id_participating_orgs-ts-control").locator("xpath=..").locator(".item")
    assert sorted(items.all_inner_texts()) == ["镇海区水利局\n×", "镇海区经济和信息化局\n×"]
    # A drop-down added to the page later, as an inline table's new row is, becomes a picker too.
    page.evaluate("""() => {
        const select = document.createElement("select");
        select.id = "added-later";
        select.dataset.picker = "";
        select.add(new Option("镇海区水利局", "1"));
        document.querySelector("main form").append(select);
    }""")
    expect(page.locator("#added-later")).to_have_class(re.compile(r"\btomselected\b"))

    assert page.evaluate("window.__violations") == []
    assert_no_problems(page)


@pytest.mark.django_db(transaction=True)
def test_filters_chosen_in_pickers_give_the_same_address(browser_page, live_server, settings):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    page, base = browser_page, live_server.url
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, base, "office")
    page.goto(f"{base}/projects/")
    page.click("text=更多筛选条件")
    plans = page.locator("#id_plan option").all_inner_texts()
    first, last = plans[0], plans[-1]
    # Chosen in the opposite order to the list's: the address still names them in the list's order.
    choose(page, "规划计划", last[:6], click=last)
    choose(page, "规划计划", first[:6], click=first)
    page.keyboard.press("Escape")
    choose(page, "牵头单位", "宁波市经济")
    choose(page, "行政区划", "宁波市")
    page.click("button:has-text('筛选')")
    page.wait_for_load_state("load")
    picked = page.url.removeprefix(f"{base}/projects/")
    assert chosen(page, "plan") == [first, last] and chosen(page, "region") == ["宁波市"]
    screenshot(page, "picker-filters")
    assert page.evaluate("window.__violations") == []
    assert_no_problems(page)

    # The same choices in the plain selects of a browser without JavaScript.
    context = page.context.browser.new_context(viewport=VIEWPORT, locale="zh-CN", java_script_enabled=False)
    plain = context.new_page()
    log_in(plain, base, "office")
    plain.goto(f"{base}/projects/")
    plain.select_option("#id_plan", label=[last, first], force=True)
    plain.select_option("#id_lead_org", label="宁波市经济和信息化委员会", force=True)
    plain.select_option("#id_region", label="宁波市", force=True)
    plain.click("button:has-text('筛选')")
    plain.wait_for_load_state("load")
    assert plain.url.removeprefix(f"{base}/projects/") == picked
    assert "plan=" in picked and "region=" in picked
    context.close()
