"""Each region's CPPCC keeps its own proposals (issue 19): its sessions, categories, result classes and proposers,
unique within it; its committee acts on its own proposals only, which go to its region's units only; readers above
read them, nobody else learns they exist (404); imports resolve names within the committee's CPPCC; the figures,
reminders and public pages are each CPPCC's own."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Region
from common.exceptions import ActionForbidden
from proposals import services
from proposals.choices import ProposalStatus
from proposals.forms import ProposalForm
from proposals.models import Category, Proposal, Proposer, ResultClass, Session
from proposals.querysets import handling_units
from proposals.reminders import collect
from proposals.selectors import proposal_statistics, session_choices
from proposals.steps import STEPS

from ..factories import OrganizationFactory, ProposalFactory, SessionFactory, UserFactory, issue_reply
from .course import Course, db_state

pytestmark = pytest.mark.django_db

S = ProposalStatus


def today() -> datetime.date:
    return timezone.localdate()


def cppcc(region: Region, *, cppcc: str, committee: str, username: str, units: list[str]) -> SimpleNamespace:
    """A region's CPPCC with its committee, its own session 十五届四次, category 城市建设与管理 and class A, and
    government units of the region."""
    region.cppcc = OrganizationFactory(name=cppcc, kind=OrganizationKind.CPPCC, region=region)
    region.save()
    committee_unit = OrganizationFactory(name=committee, kind=OrganizationKind.CPPCC, region=region)
    return SimpleNamespace(
        region=region,
        committee=UserFactory(username=username, organization=committee_unit, role=Role.COMMITTEE),
        session=SessionFactory(name="十五届四次", region=region),
        category=Category.objects.create(region=region, name="城市建设与管理", order=1),
        result_class=ResultClass.objects.create(region=region, code="A", name="解决或采纳", order=1),
        units=[OrganizationFactory(name=name, short_name=name[-5:], region=region) for name in units],
    )


@pytest.fixture
def w(db):
    """镇海区 (under 宁波市) and 东莞市, each with its CPPCC; 宁波市's office reads 镇海区's proposals."""
    zhejiang = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    ningbo = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=zhejiang)
    zhenhai = Region.objects.create(name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=ningbo)
    guangdong = Region.objects.create(name="广东省", level=RegionLevel.PROVINCE, code="440000")
    dongguan = Region.objects.create(name="东莞市", level=RegionLevel.CITY, code="441900", parent=guangdong)
    zh = cppcc(
        zhenhai,
        cppcc="政协宁波市镇海区委员会",
        committee="镇海区政协提案委员会",
        username="committee",
        units=["镇海区经济和信息化局", "镇海区水利局"],
    )
    dg = cppcc(
        dongguan,
        cppcc="中国人民政治协商会议广东省东莞市委员会",
        committee="东莞市政协提案委员会",
        username="dg-committee",
        units=["东莞市发展和改革局"],
    )
    city_unit = OrganizationFactory(name="宁波市经济和信息化委员会", region=ningbo)
    office = UserFactory(
        username="office", organization=OrganizationFactory(name="宁波市智慧办", region=ningbo), role=Role.OFFICE
    )
    return SimpleNamespace(zh=zh, dg=dg, ningbo=ningbo, city_unit=city_unit, office=office)


def proposal_of(side, status=S.SUBMITTED, **fields) -> Proposal:
    """A proposal of ``side``'s CPPCC taken to ``status`` by its committee; its first unit leads."""
    proposal = ProposalFactory(session=side.session, category=side.category, proposers=["储建华"], **fields)
    course = Course(committee=side.committee, result_class=side.result_class)
    return course.bring(proposal, status, lead=side.units[0] if status not in (S.SUBMITTED, S.FILED) else None)


def page(user) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


# --- Reference data, each CPPCC's own -------------------------------------------------------------------------


def test_names_are_unique_within_a_cppcc_not_across(w):
    # The same session, category, class code and proposer name in two CPPCCs are two rows.
    regional = {"region__isnull": False}  # besides those of no region the migrations made
    assert Session.objects.filter(name="十五届四次", **regional).count() == 2
    assert Category.objects.filter(name="城市建设与管理", **regional).count() == 2
    assert ResultClass.objects.filter(code="A", **regional).count() == 2
    for region in (w.zh.region, w.dg.region):
        Proposer.objects.create(name="储建华", region=region)
    # Within one CPPCC the name is taken: the form says so under the field, the database refuses it too.
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        Session(name="十五届四次", year=2026, region=w.zh.region).full_clean()
    assert "name" in refused.value.message_dict
    for model, fields in (
        (Category, {"name": "城市建设与管理"}),
        (ResultClass, {"code": "A", "name": "重复"}),
        (Proposer, {"name": "储建华"}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(region=w.dg.region, **fields)


def test_the_committee_adds_reference_data_to_its_own_cppcc_only(w, api):
    client = page(w.dg.committee)
    # The page takes the region from the committee, whatever the form is sent.
    response = client.post(
        reverse("session-add"), {"name": "十三届五次", "year": "2027", "region": w.zh.region.pk}, follow=False
    )
    assert response.status_code == 302
    assert Session.objects.get(name="十三届五次").region == w.dg.region
    # 城市建设与管理 is 镇海区's too, and 东莞市's own already: refused as a duplicate of its own only.
    response = client.post(reverse("category-add"), {"name": "城市建设与管理", "order": "2"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert client.post(reverse("category-add"), {"name": "数字政府", "order": "8"}).status_code == 302
    assert Category.objects.get(name="数字政府").region == w.dg.region

    # The API: the caller's region, never another named in the request.
    caller = api.as_user(w.zh.committee)
    created = caller.post("/api/v1/result-classes/", {"code": "D", "name": "不予采纳"}, format="json")
    assert created.status_code == 201 and created.json()["region"] == w.zh.region.pk
    crossing = caller.post("/api/v1/proposers/", {"name": "王立平", "region": w.dg.region.pk}, format="json")
    assert crossing.status_code == 400 and "region" in crossing.json()
    moved = caller.patch(f"/api/v1/sessions/{w.zh.session.pk}/", {"region": w.dg.region.pk}, format="json")
    assert moved.status_code == 400
    assert caller.patch(f"/api/v1/sessions/{w.dg.session.pk}/", {"year": 2020}, format="json").status_code == 404
    # Each committee lists its own; the office of 宁波市 reads 镇海区's, below it.
    listed = caller.get("/api/v1/categories/").json()["results"]
    assert {row["region"] for row in listed} == {w.zh.region.pk}
    office_sessions = api.as_user(w.office).get("/api/v1/sessions/").json()["results"]
    assert {row["region"] for row in office_sessions} == {w.zh.region.pk}

    # The superuser names the region.
    root = UserFactory(username="root", is_superuser=True, organization=None)
    made = api.as_user(root).post("/api/v1/sessions/", {"name": "X", "year": 2027, "region": w.dg.region.pk})
    assert made.status_code == 201 and made.json()["region"] == w.dg.region.pk


def test_the_admin_keeps_staff_to_their_own_cppcc(w):
    w.dg.committee.is_staff = True
    w.dg.committee.save()
    client = page(w.dg.committee)
    assert list(client.get("/admin/proposals/session/").context["cl"].queryset) == [w.dg.session]
    assert client.get(f"/admin/proposals/session/{w.zh.session.pk}/change/").status_code == 302  # "does not exist"
    assert client.post("/admin/proposals/category/add/", {"name": "数字政府", "order": "3"}).status_code == 302
    assert Category.objects.get(name="数字政府").region == w.dg.region
    again = client.post("/admin/proposals/category/add/", {"name": "城市建设与管理", "order": "3"})
    assert again.status_code == 200 and "name" in again.context["adminform"].form.errors


def test_a_proposal_takes_its_cppccs_session_category_and_proposers(w):
    Proposer.objects.create(name="储建华", region=w.dg.region, sector="东莞")
    data = {"session": w.zh.session, "number": "001", "title": "关于智慧停车的建议", "submitted_on": today()}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.proposal_submit(actor=w.zh.committee, data={**data, "category": w.dg.category}, proposers=["储建华"])
    assert "category" in refused.value.message_dict and "其他政协" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.proposal_submit(
            actor=w.zh.committee, data=data, proposers=[Proposer.objects.get(region=w.dg.region, name="储建华")]
        )
    assert "proposers" in refused.value.message_dict
    # By name, a proposer is the session's CPPCC's: 镇海区's 储建华 is made, 东莞市's is left alone.
    proposal = services.proposal_submit(actor=w.zh.committee, data=data, proposers=["储建华", "吴建娣"])
    assert {signature.proposer.region for signature in proposal.signatures.all()} == {w.zh.region}
    assert Proposer.objects.filter(name="储建华").count() == 2
    # Another CPPCC's committee registers nothing in 镇海区's session; a proposal never changes CPPCC.
    with pytest.raises(ActionForbidden):
        services.proposal_submit(actor=w.dg.committee, data={**data, "number": "002"}, proposers=["张三"])
    root = UserFactory(username="root", is_superuser=True, organization=None)
    with pytest.raises(ValidationError) as refused:
        services.proposal_update(actor=root, proposal=proposal, data={"session": w.dg.session})
    assert "session" in refused.value.message_dict


def test_the_proposal_form_offers_the_committees_own_sessions_and_categories(w):
    form = ProposalForm(user=w.dg.committee)
    assert list(form.fields["session"].queryset) == [w.dg.session]
    assert list(form.fields["category"].queryset) == [w.dg.category]
    # Posted with the other CPPCC's same-named category's id, the page refuses it as no choice of its own.
    response = page(w.dg.committee).post(
        reverse("proposal-add"),
        {
            "session": w.dg.session.pk,
            "number": "001",
            "title": "关于智慧停车的建议",
            "proposer_names": "民革市委会",
            "category": w.zh.category.pk,
            "submitted_on": today().isoformat(),
        },
    )
    assert response.status_code == 200 and "category" in response.context["form"].errors
    assert not Proposal.objects.exists()


def csv_file(rows) -> io.BytesIO:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["届次", "编号", "标题", "提案人", "类别", "提交日期"])
    writer.writerows(rows)
    file = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    file.name = "提案台账.csv"
    return file


def test_an_import_resolves_names_within_the_importing_committees_cppcc(w):
    Proposer.objects.create(name="民革市委会", region=w.zh.region)  # a namesake in the other CPPCC
    client = page(w.dg.committee)
    rows = [["十五届四次", "20150133", "加强智慧城市建设的建议", "民革市委会", "城市建设与管理", "2015-02-07"]]
    preview = client.post(reverse("import", args=["proposals"]), {"file": csv_file(rows)})
    assert not preview.context["outcome"].errors, preview.context["outcome"].errors
    done = client.post(reverse("import", args=["proposals"]), {"token": preview.context["token"], "confirm": "1"})
    assert done.status_code == 302
    proposal = Proposal.objects.get(number="20150133")
    assert (proposal.session, proposal.category) == (w.dg.session, w.dg.category)
    assert proposal.lead_proposer.region == w.dg.region
    assert not w.zh.session.proposals.exists()


# --- Who acts on a CPPCC's proposals --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.SUBMITTED, S.FILED, S.ASSIGNED, S.REPLIED])
def test_another_cppccs_committee_can_neither_see_nor_act(w, api, status):
    """dg-committee on 镇海区's proposal: every page and API address of it, every step, answers 404; the services
    refuse it; nothing is written."""
    proposal = proposal_of(w.zh, status)
    outsider = w.dg.committee
    before = db_state()
    client = page(outsider)
    assert client.get(f"/proposals/{proposal.pk}/").status_code == 404
    for path in ("edit/", "archive/"):
        assert client.get(f"/proposals/{proposal.pk}/{path}").status_code == 404, path
        assert client.post(f"/proposals/{proposal.pk}/{path}", {"title": "改"}).status_code == 404, path
    for step in STEPS.values():
        # A step the committee never makes (a unit's) is refused at once, whatever the proposal: nothing is told.
        expected = 404 if outsider.has_perm(f"proposals.{step.permission}") else 403
        url = f"/proposals/{proposal.pk}/{step.slug}/"
        assert client.get(url).status_code == expected, url
        assert client.post(url, {"note": "越权", "reason": "越权"}).status_code == expected, url
    caller = api.as_user(outsider)
    base = f"/api/v1/proposals/{proposal.pk}/"
    assert caller.get(base).status_code == 404
    assert caller.get(f"{base}events/").status_code == 404
    assert caller.patch(base, {"title": "改"}, format="json").status_code == 404
    for step in STEPS.values():
        assert caller.post(f"{base}{step.slug}/", {"note": "越权"}, format="json").status_code == 404, step.slug
    assert proposal.pk not in {row["id"] for row in caller.get("/api/v1/proposals/").json()["results"]}
    assert "关于推进智慧城市建设" not in client.get("/proposals/").content.decode()
    assert not client.get("/proposals/inbox/").context["pending"]
    for move in (services.proposal_file, services.proposal_close):
        with pytest.raises(ActionForbidden):
            move(actor=outsider, proposal=proposal)
    assert services.available_moves(outsider, proposal) == []
    assert db_state() == before


def test_the_own_committee_acts_and_a_reader_above_only_reads(w):
    proposal = proposal_of(w.zh, S.FILED)
    # 宁波市's office reads 镇海区's proposal; a committee of 宁波市 (reading below) takes none of its steps.
    city_committee = UserFactory(organization=w.office.organization, role=Role.COMMITTEE)
    assert page(w.office).get(f"/proposals/{proposal.pk}/").status_code == 200
    reader = page(city_committee)
    assert reader.get(f"/proposals/{proposal.pk}/").status_code == 200
    assert services.available_moves(city_committee, proposal) == []
    assert reader.post(f"/proposals/{proposal.pk}/assign/", {"lead_unit": w.zh.units[0].pk}).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == S.FILED
    own = page(w.zh.committee).post(f"/proposals/{proposal.pk}/assign/", {"lead_unit": w.zh.units[0].pk})
    assert own.status_code == 302 and Proposal.objects.get(pk=proposal.pk).status == S.ASSIGNED
    # The unit's own people act on it: their unit is the CPPCC's region's.
    reply = issue_reply(proposal, w.zh.units[0], result_class=w.zh.result_class)
    assert reply.is_issued


def test_assignment_goes_to_the_proposals_own_regions_units_only(w, api):
    proposal = proposal_of(w.zh, S.FILED)
    before = db_state()
    for foreign in (w.dg.units[0], w.city_unit):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            services.proposal_assign(actor=w.zh.committee, proposal=proposal, lead_unit=foreign)
        assert refused.value.message_dict["lead_unit"] == [f"其他区划的单位不能承办本政协的提案：{foreign.label}。"]
    # The page offers the region's units only; the API finds no unit outside the caller's regions (400).
    form = page(w.zh.committee).get(f"/proposals/{proposal.pk}/assign/").context["form"]
    assert set(form.fields["lead_unit"].queryset) == set(w.zh.units)
    answer = api.as_user(w.zh.committee).post(
        f"/api/v1/proposals/{proposal.pk}/assign/", {"lead_unit": w.dg.units[0].pk}, format="json"
    )
    assert answer.status_code == 400 and "lead_unit" in answer.json()
    assert db_state() == before


def test_each_committee_keeps_its_own_regions_list_of_handling_units(w, api):
    company = OrganizationFactory(name="中国电信东莞分公司", kind=OrganizationKind.COMPANY, region=w.dg.region)
    assert set(handling_units(w.dg.region)) == set(w.dg.units)
    assert set(handling_units(w.zh.region)) == set(w.zh.units)
    with pytest.raises(ValidationError):
        services.handling_units_set(actor=w.zh.committee, add=[company])
    caller = api.as_user(w.dg.committee)
    assert caller.post("/api/v1/handling-units/", {"organization": company.pk}, format="json").status_code == 201
    listed = {row["organization"] for row in caller.get("/api/v1/handling-units/").json()}
    assert listed == {company.pk, *(unit.pk for unit in w.dg.units)}
    zhenhai_unit = w.zh.units[0].pk
    assert caller.post("/api/v1/handling-units/", {"organization": zhenhai_unit}, format="json").status_code == 400
    assert caller.delete(f"/api/v1/handling-units/{zhenhai_unit}/").status_code == 404
    shown = page(w.zh.committee).get(reverse("handling-units")).context["rows"]
    assert {org for org, _listed, _entry in shown} == set(w.zh.units)
    # 宁波市's office reads 镇海区's list, below it; 东莞市's committee does not find it.
    below = page(w.office).get(reverse("handling-units"), {"region": w.zh.region.pk})
    assert {org for org, _listed, _entry in below.context["rows"]} == set(w.zh.units)
    assert page(w.dg.committee).get(reverse("handling-units"), {"region": w.zh.region.pk}).status_code == 404
    assert caller.get("/api/v1/handling-units/", {"region": w.zh.region.pk}).status_code == 404


# --- Each CPPCC's figures, reminders and public pages ---------------------------------------------------------


def test_statistics_and_tables_are_each_cppccs_own(w):
    for side, count in ((w.zh, 3), (w.dg, 1)):
        for _ in range(count):
            proposal_of(side, S.ASSIGNED)
    statistics = proposal_statistics(sessions=[w.zh.session, w.dg.session])
    assert statistics.counts(w.zh.session)["received"] == 3
    assert statistics.counts(w.dg.session)["received"] == 1
    assert set(statistics.unit_assignments(w.dg.session)) == {w.dg.units[0].pk}
    # A city that has a CPPCC of its own reads its district's apart: the choices are grouped by CPPCC.
    ningbo_cppcc = cppcc(
        w.ningbo, cppcc="政协宁波市委员会", committee="宁波市政协提案委员会", username="nb-committee", units=[]
    )
    assert session_choices(w.office) == [
        ("政协宁波市委员会", [(ningbo_cppcc.session.pk, "十五届四次")]),
        ("政协宁波市镇海区委员会", [(w.zh.session.pk, "十五届四次")]),
    ]
    assert session_choices(w.dg.committee) == [(w.dg.session.pk, "十五届四次")]
    # Another CPPCC's session is no choice, as an unknown one is not.
    url = reverse("export-proposal-stats")
    for session in (w.zh.session.pk, 999999):
        assert page(w.dg.committee).get(url, {"session": session}).status_code == 400
    assert page(w.office).get(url, {"session": w.zh.session.pk}).status_code == 200
    ledger = page(w.office).get("/proposals/", {"cppcc": w.ningbo.pk})
    assert ledger.status_code == 200 and not ledger.context["object_list"]


def test_each_committee_is_reminded_of_its_own_cppccs_proposals(w):
    reminded = {}
    for side in (w.zh, w.dg):
        proposal = proposal_of(side, S.FILED)
        services.proposal_assign(
            actor=side.committee,
            proposal=proposal,
            lead_unit=side.units[0],
            assigned_on=today() - datetime.timedelta(days=60),
            due_date=today() - datetime.timedelta(days=5),
        )
        reminded[side.committee] = proposal
    items = [item for item in collect(today()) if item.key.startswith("proposal-overdue")]
    for committee, proposal in reminded.items():
        assert [item.key for item in items if item.recipient == committee] == [f"proposal-overdue:{proposal.pk}:1"]


def test_the_public_pages_are_each_cppccs_and_show_only_what_is_published(w):
    published = {}
    for side in (w.zh, w.dg):
        proposal = proposal_of(side, S.ASSIGNED, title=f"{side.region.name}的提案")
        reply = issue_reply(proposal, side.units[0], result_class=side.result_class, text=f"{side.region.name}的答复")
        published[side.region.pk] = services.reply_publish(actor=side.committee, reply=reply)
    hidden = proposal_of(w.zh, S.ASSIGNED, title="未公开的提案")
    issue_reply(hidden, w.zh.units[0], result_class=w.zh.result_class)
    anonymous = Client(HTTP_HOST="127.0.0.1")

    chooser = anonymous.get("/public/proposals/")
    assert chooser.status_code == 200
    assert [row["name"] for row in chooser.context["cppccs"]] == [
        "政协宁波市镇海区委员会",
        "中国人民政治协商会议广东省东莞市委员会",
    ]
    zhenhai = anonymous.get(f"/public/proposals/cppcc/{w.zh.region.pk}/")
    assert list(zhenhai.context["object_list"]) == [published[w.zh.region.pk]]
    assert "未公开的提案" not in zhenhai.content.decode() and "东莞市的提案" not in zhenhai.content.decode()
    assert list(zhenhai.context["sessions"]) == [w.zh.session]
    # The old addresses lead to the session's CPPCC.
    old = anonymous.get("/public/proposals/", {"session": w.dg.session.pk})
    assert (
        old.status_code == 302
        and old["Location"] == f"/public/proposals/cppcc/{w.dg.region.pk}/?session={w.dg.session.pk}"
    )
    assert anonymous.get("/public/proposals/", {"cppcc": w.dg.region.pk}).status_code == 302
    detail = anonymous.get(f"/public/proposals/{published[w.dg.region.pk].pk}/")
    assert detail.context["list_url"] == f"/public/proposals/cppcc/{w.dg.region.pk}/"
    # /public/ counts each CPPCC's sessions apart, never summed.
    cppccs = anonymous.get("/public/").context["cppccs"]
    assert [(row["name"], [s["received"] for s in row["sessions"]]) for row in cppccs] == [
        ("政协宁波市镇海区委员会", [2]),
        ("中国人民政治协商会议广东省东莞市委员会", [1]),
    ]
