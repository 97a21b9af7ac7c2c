"""Words on the pages that were slips: the menu names the project list (项目库, not 项目数), the project page heads
its monthly reports 进度月报 (not 统计报表), a plan's and a target's pages name their projects as such; in both
languages. The README no longer calls the official tables future work."""

import re
from pathlib import Path

import pytest

from tests.factories import IndicatorFactory, PlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def nav_of(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def test_the_menu_names_the_project_list(client, leader):
    client.force_login(leader)
    nav = nav_of(client.get("/").content.decode())
    assert re.search(r'href="/projects/">项目库</a>', nav) and "项目数" not in nav
    client.cookies["django_language"] = "en"
    nav = nav_of(client.get("/").content.decode())
    assert re.search(r'href="/projects/">Project library</a>', nav)


def test_the_project_page_heads_its_monthly_reports(client, leader):
    project = ProjectFactory()
    client.force_login(leader)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert '<h3 class="h6 mt-3">进度月报</h3>' in html and "统计报表</h3>" not in html
    assert "尚无进度月报。" in html
    client.cookies["django_language"] = "en"
    assert '<h3 class="h6 mt-3">Progress reports</h3>' in client.get(f"/projects/{project.pk}/").content.decode()


def test_a_plans_and_a_targets_pages_name_their_projects(client, leader):
    plan = PlanFactory()
    project = ProjectFactory()
    project.plans.add(plan)
    indicator = IndicatorFactory(plan=plan)
    indicator.projects.add(project)
    client.force_login(leader)
    assert '<h2 class="h5">本规划的项目</h2>' in client.get(f"/plans/{plan.pk}/").content.decode()
    html = client.get(f"/targets/{indicator.pk}/").content.decode()
    assert "相关项目</dt>" in html and "项目数</dt>" not in html


def test_the_readme_describes_the_official_tables_as_done():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "next piece of work" not in readme
    assert "### Official tables (Excel)" in readme
