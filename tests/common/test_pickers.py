"""Drop-downs of rows (units, plans, projects, regions) and lists of several choices are marked ``data-picker`` for the
searchable pickers (``static/js/pickers.js``), in the forms and in the lists' filters alike; a drop-down of one fixed
choice is not. Every
page loads the picker's files, which are kept in ``static/``."""

import re

import pytest
from django.contrib.staticfiles import finders

from projects.forms import ProjectForm

pytestmark = pytest.mark.django_db

ROWS = {"plans", "domain", "lead_org", "location", "participating_orgs", "parent"}


def select_tag(html, name):
    return re.search(rf'<select name="{name}"[^>]*>', html).group(0)


def test_the_project_forms_drop_downs_of_rows_are_pickers():
    form = ProjectForm()
    marked = {name for name, field in form.fields.items() if "data-picker" in field.widget.attrs}
    assert marked == ROWS
    html = str(form["participating_orgs"])
    assert "data-picker" in select_tag(html, "participating_orgs") and "multiple" in html
    assert "data-picker" not in select_tag(str(form["status"]), "status")


def test_a_lists_filters_of_rows_are_pickers(client, office_user):
    client.force_login(office_user)
    html = client.get("/projects/").content.decode()
    for name in ("plan", "lead_org", "region", "parent"):
        assert "data-picker" in select_tag(html, name), name
    assert "multiple" in select_tag(html, "plan")
    for name in ("status", "tier", "health"):  # several fixed choices each: no Ctrl-click list
        assert "data-picker" in select_tag(html, name) and "multiple" in select_tag(html, name), name
    assert "data-picker" not in select_tag(html, "has_late_milestones")  # 全部/是/否 stays a plain drop-down


def test_every_page_loads_the_pickers_from_the_server(client, office_user):
    client.force_login(office_user)
    html = client.get("/").content.decode()
    for path in (
        "vendor/tom-select/tom-select.complete.min.js",
        "vendor/tom-select/tom-select.bootstrap5.min.css",
        "js/pickers.js",
        "css/pickers.css",
    ):
        assert f"/static/{path}" in html, path
        assert finders.find(path), path
    assert finders.find("vendor/tom-select/LICENSE")
    assert 'data-placeholder="输入关键字搜索"' in html
