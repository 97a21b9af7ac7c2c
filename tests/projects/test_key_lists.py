"""The annual key-project lists (年度重点项目计划): a district office submits its year's list, the city's office
approves it or returns it with a reason, a returned list is submitted again; a region with no office above approves
its own. Lists hold the region's own projects, frozen when submitted; only approved lists are baselines."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from common.exceptions import ActionForbidden, WorkflowError
from projects import services
from projects.choices import KeyListStatus
from projects.models import Baseline, BaselineEvent, Project
from projects.selectors import key_list_status_below
from tests.factories import ProjectFactory
from tests.projects import regional
from tests.projects.regional import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return regional.build()


def course(baseline) -> list[tuple[str, str, str]]:
    return list(
        BaselineEvent.objects.filter(baseline=baseline).values_list("from_status", "to_status", "actor__username")
    )


def frozen(baseline) -> set[str]:
    return set(baseline.entries.values_list("project__code", flat=True))


def slippage(project) -> tuple:
    row = Project.objects.with_slippage().get(pk=project.pk)
    return row.baseline_year, row.slippage_days


# Services


def test_a_district_submits_its_own_projects_of_the_year(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR, note="区政府常务会议审议通过")
    assert (baseline.region, baseline.status, baseline.submitted_by) == (
        w.zhenhai,
        KeyListStatus.SUBMITTED,
        w.zhenhai_office,
    )
    # Neither the city's nor another district's, nor a cancelled one or one of a later year.
    assert frozen(baseline) == {"ZH-01"}
    assert course(baseline) == [("", "submitted", "zhenhai-office")]


def test_the_city_approves_and_the_list_becomes_the_districts_baseline(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    moved = w.zhenhai_project.planned_end + datetime.timedelta(days=30)
    Project.objects.filter(pk=w.zhenhai_project.pk).update(planned_end=moved)
    # Awaiting approval, the list is no baseline: no slippage yet, and the project page lists no baseline.
    assert slippage(w.zhenhai_project) == (None, None)
    assert not w.zhenhai_project.baselines.approved().exists()

    approved = services.key_list_approve(actor=w.city_office, baseline=baseline, note="同意")
    assert (approved.status, approved.decided_by) == (KeyListStatus.APPROVED, w.city_office)
    assert slippage(w.zhenhai_project) == (YEAR, 30.0)
    assert course(baseline) == [("", "submitted", "zhenhai-office"), ("submitted", "approved", "ningbo-office")]


def test_a_returned_list_is_submitted_again_and_frozen_afresh(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    with pytest.raises(ValidationError):
        services.key_list_return(actor=w.city_office, baseline=baseline, reason="  ")
    returned = services.key_list_return(actor=w.city_office, baseline=baseline, reason="请补充智慧水务项目。")
    assert (returned.status, returned.return_reason) == (KeyListStatus.RETURNED, "请补充智慧水务项目。")

    added = ProjectFactory(code="ZH-04", lead_org=w.zhenhai_unit)
    new_end = w.zhenhai_project.planned_end - datetime.timedelta(days=10)
    Project.objects.filter(pk=w.zhenhai_project.pk).update(planned_end=new_end)
    again = services.key_list_submit(actor=w.zhenhai_office, year=YEAR, note="已补充")
    assert (again.pk, again.status, again.return_reason, again.decided_by) == (baseline.pk, "submitted", "", None)
    assert frozen(again) == {"ZH-01", added.code}
    assert again.entries.get(project=w.zhenhai_project).planned_end == new_end
    assert [step[:2] for step in course(again)] == [
        ("", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]
    assert BaselineEvent.objects.get(baseline=again, to_status="returned").note == "请补充智慧水务项目。"


@pytest.mark.parametrize(
    "who", ["zhenhai_office", "xiangshan_office", "province_office", "dongguan_office", "liaison", "leader"]
)
def test_only_the_office_directly_above_decides(w, who):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    actor = getattr(w, who)
    with pytest.raises(ActionForbidden):
        services.key_list_approve(actor=actor, baseline=baseline)
    with pytest.raises(ActionForbidden):
        services.key_list_return(actor=actor, baseline=baseline, reason="退回")
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.SUBMITTED


def test_a_decision_is_taken_once(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    services.key_list_approve(actor=w.city_office, baseline=baseline)
    with pytest.raises(WorkflowError, match="已审定"):
        services.key_list_approve(actor=w.city_office, baseline=baseline)
    with pytest.raises(WorkflowError):
        services.key_list_return(actor=w.city_office, baseline=baseline, reason="晚了")
    assert len(course(baseline)) == 2


def test_who_submits_and_when(w):
    with pytest.raises(ActionForbidden):
        services.key_list_submit(actor=w.liaison, year=YEAR)
    # 浙江省 has no office: the city approves its own list, it submits none.
    with pytest.raises(ActionForbidden, match="自行审定"):
        services.key_list_submit(actor=w.city_office, year=YEAR)
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    with pytest.raises(WorkflowError, match="等待宁波市智慧办审定"):
        services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    services.key_list_approve(actor=w.city_office, baseline=baseline)
    with pytest.raises(WorkflowError):
        services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    # Years repeat across regions: 象山县 submits its own 2026 list beside 镇海区's.
    assert frozen(services.key_list_submit(actor=w.xiangshan_office, year=YEAR)) == {"XS-01"}


def test_the_city_approves_its_own_list_and_a_district_may_not(w):
    baseline, added = services.baseline_approve(actor=w.city_office, year=YEAR, note="市领导小组审定")
    assert (baseline.region, baseline.status, added) == (w.ningbo, KeyListStatus.APPROVED, 1)
    assert frozen(baseline) == {"NB-01"}  # the districts' projects are in the districts' lists
    assert course(baseline) == [("", "approved", "ningbo-office")]
    with pytest.raises(ActionForbidden, match="报宁波市智慧办审定"):
        services.baseline_approve(actor=w.zhenhai_office, year=YEAR)
    assert not Baseline.objects.filter(region=w.zhenhai).exists()


def test_a_deployment_without_regions_approves_as_before(office_user, unit):
    project = ProjectFactory(code="P-1", lead_org=unit)
    baseline, added = services.baseline_approve(actor=office_user, year=YEAR)
    assert (baseline.region, baseline.status, added) == (None, KeyListStatus.APPROVED, 1)
    frozen_end = project.planned_end
    Project.objects.filter(pk=project.pk).update(planned_end=frozen_end + datetime.timedelta(days=5))
    later = ProjectFactory(code="P-2", lead_org=unit)
    again, added = services.baseline_approve(actor=office_user, year=YEAR, note="增补")
    assert (again.pk, added, frozen(again)) == (baseline.pk, 1, {"P-1", later.code})
    assert again.entries.get(project=project).planned_end == frozen_end  # frozen rows never change
    assert slippage(project) == (YEAR, 5.0)
    with pytest.raises(ActionForbidden):
        services.key_list_submit(actor=office_user, year=YEAR)


# The dashboard's panel


def test_the_city_sees_which_districts_have_not_submitted_or_were_returned(w):
    services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    below = key_list_status_below(w.ningbo, YEAR)
    # The zone has no office: it submits no list.
    assert [(row.region, row.status) for row in below.rows] == [(w.xiangshan, None), (w.zhenhai, "submitted")]
    assert below.outstanding == 1
    xiangshan = services.key_list_submit(actor=w.xiangshan_office, year=YEAR)
    services.key_list_return(actor=w.city_office, baseline=xiangshan, reason="项目不全。")
    below = key_list_status_below(w.ningbo, YEAR)
    assert [(row.region.name, row.status) for row in below.rows] == [("象山县", "returned"), ("镇海区", "submitted")]
    assert below.rows[0].baseline.return_reason == "项目不全。"
    assert key_list_status_below(w.ningbo, YEAR + 1).outstanding == 2
    assert key_list_status_below(w.zhenhai, YEAR).rows == []
    assert key_list_status_below(None, YEAR) is None


# Pages


def signed_in(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def test_the_pages_carry_a_list_from_submission_to_approval(w):
    district, city = signed_in(w.zhenhai_office), signed_in(w.city_office)
    page = district.get("/baselines/").content.decode()
    assert "报送审定" in page and "宁波市智慧办" in page
    response = district.post("/baselines/", {"year": YEAR, "note": "区政府常务会议审议通过"})
    baseline = Baseline.objects.get(region=w.zhenhai, year=YEAR)
    assert response.status_code == 302 and response["Location"] == f"/baselines/{baseline.pk}/"
    assert "待审定" in district.get(response["Location"]).content.decode()

    listing = city.get("/baselines/")
    assert [item.pk for item in listing.context["awaiting"]] == [baseline.pk]
    panel = listing.content.decode()
    assert "1 个区划尚未报送或被退回" in panel and "象山县" in panel
    assert city.post(f"/baselines/{baseline.pk}/return/", {"reason": ""}).status_code == 302
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.SUBMITTED  # a return needs its reason
    city.post(f"/baselines/{baseline.pk}/return/", {"reason": "请补充智慧水务项目。"})
    page = district.get(f"/baselines/{baseline.pk}/").content.decode()
    assert "已退回" in page and "请补充智慧水务项目。" in page and "重新报送" in page

    district.post("/baselines/", {"year": YEAR, "note": "已补充"})
    assert city.post(f"/baselines/{baseline.pk}/approve/", {"note": "同意"}).status_code == 302
    page = city.get(f"/baselines/{baseline.pk}/").content.decode()
    assert "已审定" in page and "同意" in page
    assert [step[1] for step in course(baseline)] == ["submitted", "returned", "submitted", "approved"]


def test_a_district_may_not_decide_its_own_list(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    district = signed_in(w.zhenhai_office)
    assert district.post(f"/baselines/{baseline.pk}/approve/").status_code == 403
    assert district.get(f"/baselines/{baseline.pk}/").context["can_decide"] is False
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.SUBMITTED


def test_a_double_approval_on_the_page_says_so(w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    city = signed_in(w.city_office)
    city.post(f"/baselines/{baseline.pk}/approve/")
    response = city.post(f"/baselines/{baseline.pk}/approve/", follow=True)
    assert "只有待审定的计划才能审定或退回" in response.content.decode()


@pytest.mark.parametrize("who", ["xiangshan_office", "dongguan_office"])
def test_another_regions_list_is_not_found(w, who):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    client = signed_in(getattr(w, who))
    assert client.get(f"/baselines/{baseline.pk}/").status_code == 404
    assert client.post(f"/baselines/{baseline.pk}/approve/").status_code == 404
    assert baseline.pk not in [item.pk for item in client.get("/baselines/").context["object_list"]]


def test_the_city_approves_its_own_list_on_the_page(w):
    city = signed_in(w.city_office)
    assert "批准并冻结" in city.get("/baselines/").content.decode()
    response = city.post("/baselines/", {"year": YEAR})
    baseline = Baseline.objects.get(region=w.ningbo, year=YEAR)
    assert response["Location"] == baseline.get_absolute_url() and baseline.status == KeyListStatus.APPROVED
    # A district office gets the submit form instead, and a liaison no form at all.
    assert signed_in(w.liaison).get("/baselines/").context["form"] is None
    assert signed_in(w.liaison).post("/baselines/", {"year": YEAR}).status_code == 403
