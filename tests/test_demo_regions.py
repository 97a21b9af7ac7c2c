"""The demo as its accounts see it (issue 19's checks): each office its own region with the regions below rolled up,
never a sibling's or a region above's data, and each CPPCC's committee its own proposals only."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from accounts.models import Region, User
from projects.models import Plan, Project
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/dashboard/"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back after its last test; each test runs in a
    savepoint inside it (pytest-django's own), so what a test writes is undone too."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # the demo accounts are made in debug mode only
            call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def signed_in(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return client


def api_codes(client: Client, **params) -> set[str]:
    rows = client.get("/api/v1/projects/", {"page_size": 500, **params}).json()["results"]
    return {row["code"] for row in rows}


def region_codes(name: str) -> set[str]:
    within = Region.objects.within(Region.objects.get(name=name))
    return set(Project.objects.filter(region__in=within).values_list("code", flat=True))


def test_zhenhai_sees_its_fifteen_pilot_tasks_and_nothing_of_dongguan(demo):
    zhenhai = signed_in("zhenhai")
    assert api_codes(zhenhai) == region_codes("镇海区")
    assert not api_codes(zhenhai) & region_codes("东莞市")
    task_book = Plan.objects.get(title="国家智慧城市试点创建任务书（镇海区）")
    headline = zhenhai.get(DASHBOARD, {"plan": task_book.pk}).context["headline"]
    assert headline["projects"][0] == 15
    assert headline["bands"]["completed"][0] == 8
    assert headline["progress_plain"] == 80.0
    dongguan_project = Project.objects.filter(region__name="东莞市").first()
    assert zhenhai.get(f"/projects/{dongguan_project.pk}/").status_code == 404
    assert zhenhai.get(f"/api/v1/projects/{dongguan_project.pk}/").status_code == 404


def test_the_city_office_sees_ningbo_with_zhenhai_rolled_up(demo):
    office = signed_in("office")
    assert api_codes(office) == region_codes("宁波市") > region_codes("镇海区")
    own = office.get(DASHBOARD).context
    assert own["form"]["region"].value() == str(Region.objects.get(name="宁波市").pk)
    assert (
        own["headline"]["projects"][0]
        == Project.objects.top_level()
        .filter(region__in=Region.objects.within(Region.objects.get(name="宁波市")))
        .count()
    )
    zhenhai = office.get(DASHBOARD, {"region": Region.objects.get(name="镇海区").pk}).context["headline"]
    assert 0 < zhenhai["projects"][0] < own["headline"]["projects"][0]


def test_dongguan_sees_none_of_ningbo(demo):
    dongguan = signed_in("dongguan")
    assert api_codes(dongguan) == region_codes("东莞市")
    assert not api_codes(dongguan) & region_codes("宁波市")
    ningbo_plan = Plan.objects.get(title="2012年宁波市加快创建智慧城市行动计划")
    assert dongguan.get(f"/plans/{ningbo_plan.pk}/").status_code == 404


def test_dg_committee_cannot_act_on_zhenhais_proposals(demo):
    committee = signed_in("dg-committee")
    zhenhai = list(Proposal.objects.filter(session__region__name="镇海区")[:5])
    assert zhenhai
    own = Proposal.objects.filter(session__region__name="东莞市").first()
    assert committee.get(f"/api/v1/proposals/{own.pk}/").status_code == 200
    for proposal in zhenhai:
        assert committee.get(f"/proposals/{proposal.pk}/").status_code == 404
        assert committee.get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
        answer = committee.patch(
            f"/api/v1/proposals/{proposal.pk}/", {"title": "改"}, content_type="application/json"
        ).status_code
        assert answer == 404
        assert committee.post(f"/api/v1/proposals/{proposal.pk}/file/", {}).status_code == 404


def test_the_city_dashboard_shows_which_districts_have_not_submitted_or_were_returned(demo):
    page = signed_in("office").get(DASHBOARD)
    key_lists = page.context["key_lists"]
    states = {row.region.name: row.status for row in key_lists.rows}
    assert states["镇海区"] == "submitted" and states["象山县"] == "returned"
    assert key_lists.outstanding >= 1
    assert "key-lists-below" in page.content.decode()


def test_the_public_page_per_region(demo):
    anonymous = Client(HTTP_HOST="127.0.0.1")
    everything = anonymous.get("/public/").context
    names = [region.name for region in everything["regions"]]
    assert "镇海区" in names and "东莞市" in names
    zhenhai = Region.objects.get(name="镇海区")
    page = anonymous.get("/public/", {"region": zhenhai.pk})
    assert page.status_code == 200 and "镇海区 ·" in page.content.decode()
    listed = {project.code for project in page.context["projects"]}
    published = Project.objects.top_level().filter(is_published=True)
    assert listed == set(published.filter(region=zhenhai).values_list("code", flat=True))
    assert page.context["counts"]["total"] == len(listed) < everything["counts"]["total"]
    assert [cppcc["region"] for cppcc in page.context["cppccs"]] == [zhenhai]  # its CPPCC's sessions only
    assert anonymous.get("/public/", {"region": 999999}).status_code == 404
    assert anonymous.get("/public/", {"region": "²"}).status_code == 200
