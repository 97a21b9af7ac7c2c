"""Milestone rows added and removed on the page, and the usual milestones as a template: what the server takes.
Six milestones from the template arrive in one save; the browser journey is tests/browser/test_data_entry.py."""

import datetime
import json

import pytest
from django.test import Client

from projects.milestone_template import USUAL_MILESTONES, planned_date
from projects.models import Project
from tests.factories import DomainFactory
from tests.formdata import new_project_data

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, unit):
        self.unit = unit
        self.domain = DomainFactory()


@pytest.fixture
def office(office_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(office_user)
    return client


def test_the_usual_milestones_share_out_the_whole_project():
    assert sum(usual.weight for usual in USUAL_MILESTONES) == 100
    shares = [usual.share for usual in USUAL_MILESTONES]
    assert shares == sorted(shares) and shares[-1] == 1
    start, end = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)
    dates = [planned_date(usual, start, end) for usual in USUAL_MILESTONES]
    assert dates[-1] == end and dates == sorted(dates)
    # 0.1 × 364 days = 36.4 → 37 Feb 6; a half day rounds to the even day, as the page's script does.
    assert dates[0] == datetime.date(2027, 2, 6)
    assert planned_date(USUAL_MILESTONES[0], start, start + datetime.timedelta(days=365)) == datetime.date(2027, 2, 6)


def test_the_form_offers_the_template_one_blank_row_and_names_each_input(office):
    response = office.get("/projects/add/")
    html = response.content.decode()
    assert response.context["formsets"]["milestones"].total_form_count() == 1
    script = html.split('id="usual-milestones" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert [row["name"] for row in json.loads(script)] == [usual.name for usual in USUAL_MILESTONES]
    assert "<template data-formset-row>" in html and "milestones-__prefix__-name" in html
    assert 'aria-label="名称"' in html and 'aria-label="计划日期"' in html
    assert "套用常用关键节点（6 个）" in html


def test_six_milestones_from_the_template_in_one_save(office, unit):
    data = new_project_data(World(unit))
    # The blank row the page offered made way for the template's six, numbered from 0 (static/js/formset.js).
    data["milestones-TOTAL_FORMS"] = "6"
    start, end = datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)
    for index, usual in enumerate(USUAL_MILESTONES):
        data[f"milestones-{index}-name"] = usual.name
        data[f"milestones-{index}-weight"] = str(usual.weight)
        data[f"milestones-{index}-planned_date"] = planned_date(usual, start, end).isoformat()
    response = office.post("/projects/add/", data)
    assert response.status_code == 302, response.context and response.context["formsets"]["milestones"].errors
    project = Project.objects.get(code=data["code"])
    assert list(project.milestones.values_list("name", "weight")) == [(u.name, u.weight) for u in USUAL_MILESTONES]


def test_weights_that_do_not_make_100_are_refused_with_every_row_kept(office, unit):
    data = new_project_data(World(unit))
    data["milestones-TOTAL_FORMS"] = "2"
    for index, weight in ((0, 30), (1, 30)):
        data[f"milestones-{index}-name"] = f"节点{index}"
        data[f"milestones-{index}-weight"] = str(weight)
        data[f"milestones-{index}-planned_date"] = "2027-06-30"
    response = office.post("/projects/add/", data)
    assert response.status_code == 200
    assert "60" in str(response.context["formsets"]["milestones"].non_form_errors())
    assert not Project.objects.filter(code=data["code"]).exists()
