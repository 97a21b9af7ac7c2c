"""The proposal API: fields, create/edit/delete, every workflow move by role and status, filters, the timeline,
reply publication, query counts and two people moving the same proposal at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from common.dates import add_months
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, ProposalStatus, ProposerKind, Satisfaction
from proposals.models import Category, Event, Proposal, Proposer, Reply, ResultClass
from tests.factories import (
    OrganizationFactory,
    ProjectFactory,
    ProposalFactory,
    ProposerFactory,
    SessionFactory,
    UserFactory,
    issue_reply,
)

pytestmark = pytest.mark.django_db

S = ProposalStatus
PROPOSALS = "/api/v1/proposals/"
MOVES = [
    "file",
    "not-file",
    "merge",
    "assign",
    "request-reassign",
    "opinion",
    "reply",
    "sign-off",
    "return-reply",
    "record-reply",
    "extend",
    "feedback",
    "close",
]
# The statuses each move may start from (the services' rules, seen from outside).
ALLOWED = {
    "file": {S.SUBMITTED},
    "not-file": {S.SUBMITTED},
    "merge": {S.SUBMITTED},
    "assign": {S.FILED, S.REASSIGN_REQUESTED},
    "request-reassign": {S.ASSIGNED},
    "opinion": {S.ASSIGNED, S.REHANDLING},
    "reply": {S.ASSIGNED, S.REHANDLING},
    "sign-off": {S.ASSIGNED, S.REHANDLING},
    "return-reply": {S.ASSIGNED, S.REHANDLING},
    "record-reply": {S.ASSIGNED, S.REHANDLING},
    "extend": {S.ASSIGNED, S.REASSIGN_REQUESTED, S.REHANDLING},
    "feedback": {S.REPLIED},
    "close": {S.REPLIED},
}
# Who makes each move in the tests: the committee, or the units (``unit`` leads, ``other_unit`` co-handles).
ACTOR = {
    "request-reassign": "liaison",
    "reply": "liaison",
    "sign-off": "signer",
    "return-reply": "signer",
    "opinion": "other_liaison",
}
# Moves that name an assigned unit: before assignment there is none, so the answer is 403 or 400, not 409.
NEEDS_ASSIGNMENT = {"request-reassign", "opinion", "reply", "sign-off", "return-reply", "extend"}
ANSWERING = {S.ASSIGNED, S.REHANDLING}
UNASSIGNED = {S.SUBMITTED, S.FILED, S.NOT_FILED, S.MERGED}


def detail_url(proposal):
    return f"{PROPOSALS}{proposal.pk}/"


def move_url(proposal, move):
    return f"{PROPOSALS}{proposal.pk}/{move}/"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def status_of(proposal):
    return Proposal.objects.get(pk=proposal.pk).status


def today():
    return timezone.localdate()


@pytest.fixture
def advance(committee_user, liaison, signer, unit, other_unit, class_a):
    """Take a submitted proposal to ``status`` through the services: ``unit`` leads, ``other_unit`` co-handles."""

    def advance(proposal, status):
        committee = committee_user
        if status == S.NOT_FILED:
            services.proposal_not_file(actor=committee, proposal=proposal, reason="属于建议范畴，不予立案")
        elif status == S.MERGED:
            target = services.proposal_file(actor=committee, proposal=ProposalFactory(session=proposal.session))
            services.proposal_merge(actor=committee, proposal=proposal, into=target)
        elif status != S.SUBMITTED:
            services.proposal_file(actor=committee, proposal=proposal)
        if status in (S.ASSIGNED, S.REASSIGN_REQUESTED, S.REPLIED, S.REHANDLING, S.CLOSED):
            services.proposal_assign(actor=committee, proposal=proposal, lead_unit=unit, co_units=[other_unit])
        if status == S.REASSIGN_REQUESTED:
            services.proposal_request_reassign(actor=liaison, proposal=proposal, reason="不属于我局职责")
        if status in (S.REPLIED, S.REHANDLING, S.CLOSED):
            issue_reply(proposal, unit, liaison=liaison, signer=signer, text="已采纳。", result_class=class_a)
        if status == S.REHANDLING:
            services.proposal_feedback(actor=committee, proposal=proposal, satisfaction=Satisfaction.UNSATISFIED)
        if status == S.CLOSED:
            services.proposal_feedback(actor=committee, proposal=proposal, satisfaction=Satisfaction.SATISFIED)
        proposal.refresh_from_db()
        assert proposal.status == status
        return proposal

    return advance


@pytest.fixture
def payload(committee_user, liaison, unit, other_unit):
    """A valid request body for each move (for the signer's moves, with the liaison's draft made first where the
    status allows one)."""

    def payload(move, proposal):
        if move in ("sign-off", "return-reply") and proposal.status in ANSWERING:
            services.reply_save_draft(
                actor=liaison, proposal=proposal, text="答复稿", result_class=ResultClass.objects.first()
            )
        if move == "merge":
            target = services.proposal_file(actor=committee_user, proposal=ProposalFactory(session=proposal.session))
            return {"into": target.pk, "note": "内容相近"}
        return {
            "file": {"note": "符合立案条件"},
            "not-file": {"reason": "属于个人诉求"},
            "assign": {"lead_unit": unit.pk, "co_units": [other_unit.pk]},
            "request-reassign": {"reason": "不属于我局职责"},
            "opinion": {"opinion": "建议统筹数据平台建设。"},
            "reply": {"text": "已列入计划。", "result_class": "B"},
            "sign-off": {},
            "return-reply": {"note": "请补充资金安排。"},
            "record-reply": {
                "unit": unit.pk,
                "text": "书面答复。",
                "result_class": "B",
                "signed_off_on": today().isoformat(),
            },
            "extend": {"unit": unit.pk, "due_date": add_months(today(), 4).isoformat(), "reason": "需会同多部门调研"},
            "feedback": {"satisfaction": "satisfied"},
            "close": {},
        }[move]

    return payload


def post(api, user, url, data=None):
    return api.as_user(user).post(url, data or {}, format="json")


class TestAccess:
    @pytest.mark.parametrize(
        "endpoint", ["sessions", "categories", "result-classes", "proposers", "proposals", "replies"]
    )
    def test_anonymous_is_refused(self, api, endpoint):
        response = api.get(f"/api/v1/{endpoint}/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_anonymous_cannot_move(self, api, proposal):
        assert api.post(move_url(proposal, "file"), {}, format="json").status_code == 401
        assert status_of(proposal) == S.SUBMITTED

    @pytest.mark.parametrize("role", ["leader", "liaison", "office_user", "committee_user"])
    @pytest.mark.parametrize(
        "endpoint", ["sessions", "categories", "result-classes", "proposers", "proposals", "replies"]
    )
    def test_every_role_reads(self, api, request, role, endpoint, proposal):
        assert api.as_user(request.getfixturevalue(role)).get(f"/api/v1/{endpoint}/").status_code == 200


class TestReferenceData:
    def test_reference_data_is_listed(self, api, leader, proposal):
        assert [row["code"] for row in results(api.as_user(leader).get("/api/v1/result-classes/"))] == ["A", "B", "C"]
        assert len(results(api.get("/api/v1/categories/"))) == Category.objects.count()
        assert results(api.get("/api/v1/sessions/"))[0]["name"] == proposal.session.name
        names = [row["name"] for row in results(api.get("/api/v1/proposers/", {"search": "储"}))]
        assert names == ["储建华"]

    @pytest.mark.parametrize(
        ("endpoint", "data"),
        [
            ("sessions", {"name": "十五届五次", "year": 2027}),
            ("categories", {"name": "数字政府", "order": 8}),
            ("result-classes", {"code": "D", "name": "不予采纳", "order": 4}),
            ("proposers", {"name": "王立平", "kind": "member", "sector": "科技界"}),
        ],
    )
    def test_committee_writes_reference_data_others_do_not(self, api, committee_user, liaison, endpoint, data):
        assert post(api, liaison, f"/api/v1/{endpoint}/", data).status_code == 403
        response = post(api, committee_user, f"/api/v1/{endpoint}/", data)
        assert response.status_code == 201, response.content
        row = response.json()
        changed = api.patch(f"/api/v1/{endpoint}/{row['id']}/", {"name": f"{data['name']}（改）"}, format="json")
        assert changed.status_code == 200, changed.content
        assert api.delete(f"/api/v1/{endpoint}/{row['id']}/").status_code == 204

    def test_reference_row_in_use_is_not_deleted(self, api, committee_user):
        category = Category.objects.first()
        ProposalFactory(category=category)
        response = api.as_user(committee_user).delete(f"/api/v1/categories/{category.pk}/")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Category.objects.filter(pk=category.pk).exists()

    def test_duplicate_session_name_is_400(self, api, committee_user, proposal):
        response = post(api, committee_user, "/api/v1/sessions/", {"name": proposal.session.name, "year": 2026})
        assert response.status_code == 400
        assert "name" in response.json()


class TestProposalContract:
    def test_fields(self, api, leader, proposal, advance, unit, other_unit):
        project = ProjectFactory()
        proposal.related_projects.add(project)
        advance(proposal, S.ASSIGNED)
        data = api.as_user(leader).get(detail_url(proposal)).json()
        assert set(data) >= {
            "id",
            "url",
            "session",
            "number",
            "title",
            "proposers",
            "category",
            "content",
            "suggestions",
            "submitted_on",
            "status",
            "is_key",
            "supervising_leader",
            "due_date",
            "overdue",
            "days_left",
            "round",
            "lead_unit",
            "co_units",
            "separate_units",
            "merged_into",
            "related_projects",
            "not_filed_reason",
        }
        assert data["url"].endswith(detail_url(proposal))
        assert data["session"] == proposal.session_id
        assert data["proposers"] == ["储建华", "吴建娣"]
        assert data["status"] == "assigned"
        assert data["lead_unit"] == unit.name
        assert data["co_units"] == [other_unit.name]
        assert data["separate_units"] == []
        assert data["due_date"] == add_months(today(), 3).isoformat()
        assert data["days_left"] == (add_months(today(), 3) - today()).days
        assert data["overdue"] is False
        assert data["round"] == 1
        assert data["related_projects"] == [project.pk]
        roles = {row["unit"]: row["role"] for row in data["assignments"]}
        assert roles == {unit.pk: "lead", other_unit.pk: "co"}

    def test_no_reply_owed_means_no_days_left(self, api, leader, proposal):
        data = api.as_user(leader).get(detail_url(proposal)).json()
        assert data["days_left"] is None
        assert data["overdue"] is False
        assert data["lead_unit"] is None

    def test_create_goes_through_submission_and_creates_unknown_proposers(self, api, committee_user):
        session = SessionFactory()
        ProposerFactory(name="储建华")
        project = ProjectFactory()
        response = post(
            api,
            committee_user,
            PROPOSALS,
            {
                "session": session.pk,
                "number": "101",
                "title": "关于建设城市大脑的建议",
                "proposers": ["储建华", "吴建娣", "民革区委会"],
                "category": Category.objects.get(name="城市建设与管理").pk,
                "content": "数据分散。",
                "suggestions": "统一平台。",
                "submitted_on": "2026-01-12",
                "is_key": True,
                "supervising_leader": "张副区长",
                "related_projects": [project.pk],
                "status": "closed",
            },
        )
        assert response.status_code == 201, response.content
        data = response.json()
        assert response["Location"] == data["url"]
        assert data["status"] == "submitted"
        assert data["proposers"] == ["储建华", "吴建娣", "民革区委会"]
        assert data["related_projects"] == [project.pk]
        assert Proposer.objects.get(name="吴建娣").kind == ProposerKind.MEMBER
        assert Proposer.objects.get(name="民革区委会").kind == ProposerKind.ORGANIZATION
        event = Event.objects.get(proposal_id=data["id"])
        assert (event.move, event.from_status, event.to_status, event.actor) == (
            ProposalMove.SUBMIT,
            "",
            S.SUBMITTED,
            committee_user,
        )

    def test_number_is_unique_in_its_session(self, api, committee_user, proposal):
        body = {
            "session": proposal.session_id,
            "number": proposal.number,
            "title": "重复案号",
            "proposers": ["王立平"],
            "submitted_on": "2026-01-12",
        }
        response = post(api, committee_user, PROPOSALS, body)
        assert response.status_code == 400
        assert response.json()["non_field_errors"]
        assert not Proposer.objects.filter(name="王立平").exists()
        other_session = SessionFactory(name="十五届五次", year=2027)
        assert post(api, committee_user, PROPOSALS, {**body, "session": other_session.pk}).status_code == 201

    @pytest.mark.parametrize("proposers", [[], [""], None])
    def test_a_proposal_needs_a_proposer(self, api, committee_user, proposers):
        body = {"session": SessionFactory().pk, "number": "9", "title": "无提案人", "submitted_on": "2026-01-12"}
        if proposers is not None:
            body["proposers"] = proposers
        response = post(api, committee_user, PROPOSALS, body)
        assert response.status_code == 400
        assert "proposers" in response.json()

    @pytest.mark.parametrize("role", ["leader", "liaison", "office_user"])
    def test_only_the_committee_registers_edits_and_deletes(self, api, request, role, proposal):
        user = request.getfixturevalue(role)
        body = {
            "session": proposal.session_id,
            "number": "77",
            "title": "x",
            "proposers": ["甲"],
            "submitted_on": "2026-01-12",
        }
        assert post(api, user, PROPOSALS, body).status_code == 403
        assert api.patch(detail_url(proposal), {"title": "改"}, format="json").status_code == 403
        assert api.delete(detail_url(proposal)).status_code == 403
        assert Proposal.objects.filter(pk=proposal.pk, title=proposal.title).exists()

    def test_committee_edits_data_and_proposers_never_the_status(self, api, committee_user, proposal, advance):
        advance(proposal, S.FILED)
        response = api.as_user(committee_user).patch(
            detail_url(proposal),
            {"title": "关于加快城市大脑建设的建议", "proposers": ["吴建娣", "新委员"], "status": "closed", "round": 3},
            format="json",
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["title"] == "关于加快城市大脑建设的建议"
        assert data["proposers"] == ["吴建娣", "新委员"]
        assert data["status"] == "filed"
        assert data["round"] == 1
        proposal.refresh_from_db()
        assert proposal.status == S.FILED
        assert proposal.lead_proposer.name == "吴建娣"
        assert proposal.history.latest().history_user == committee_user

    def test_edit_cannot_take_another_proposals_number(self, api, committee_user, proposal):
        other = ProposalFactory(session=proposal.session)
        response = api.as_user(committee_user).patch(detail_url(proposal), {"number": other.number}, format="json")
        assert response.status_code == 400

    def test_delete_archives_only_while_submitted(self, api, committee_user, proposal, advance):
        filed = advance(ProposalFactory(), S.FILED)
        response = api.as_user(committee_user).delete(detail_url(filed))
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Proposal.objects.filter(pk=filed.pk).exists()
        assert api.delete(detail_url(proposal)).status_code == 204
        # Archived, not deleted: out of the list, still there with its history.
        assert not Proposal.objects.filter(pk=proposal.pk).exists()
        assert Proposal.all_objects.get(pk=proposal.pk).is_archived


class TestMoves:
    def test_file(self, api, committee_user, proposal):
        response = post(api, committee_user, move_url(proposal, "file"), {"note": "符合立案条件"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "filed"
        assert response.json()["proposers"] == ["储建华", "吴建娣"]
        event = proposal.events.get()
        assert (event.move, event.from_status, event.to_status, event.note) == (
            "file",
            "submitted",
            "filed",
            "符合立案条件",
        )

    def test_not_file(self, api, committee_user, proposal):
        response = post(api, committee_user, move_url(proposal, "not-file"), {"reason": "属于个人诉求"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "not_filed"
        assert response.json()["not_filed_reason"] == "属于个人诉求"

    def test_merge(self, api, committee_user, proposal):
        target = services.proposal_file(actor=committee_user, proposal=ProposalFactory(session=proposal.session))
        response = post(api, committee_user, move_url(proposal, "merge"), {"into": target.pk})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "merged"
        assert response.json()["merged_into"] == target.pk
        assert target.events.filter(move=ProposalMove.MERGE).exists()

    def test_assign_to_lead_and_co_units(self, api, committee_user, proposal, advance, unit, other_unit):
        advance(proposal, S.FILED)
        due = add_months(today(), 2)
        response = post(
            api,
            committee_user,
            move_url(proposal, "assign"),
            {"lead_unit": unit.pk, "co_units": [other_unit.pk], "due_date": due.isoformat(), "note": "请抓紧办理"},
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["status"], data["lead_unit"], data["co_units"]) == ("assigned", unit.name, [other_unit.name])
        assert data["due_date"] == due.isoformat()
        assert "请抓紧办理" in proposal.events.get(move="assign").note

    def test_assign_to_separate_units(self, api, committee_user, proposal, advance, unit, other_unit):
        advance(proposal, S.FILED)
        response = post(api, committee_user, move_url(proposal, "assign"), {"separate_units": [unit.pk, other_unit.pk]})
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["lead_unit"] is None
        assert sorted(data["separate_units"]) == sorted([unit.name, other_unit.name])
        assert data["due_date"] == add_months(today(), 3).isoformat()

    def test_request_reassign_then_assign_again(
        self, api, committee_user, liaison, proposal, advance, unit, other_unit
    ):
        advance(proposal, S.ASSIGNED)
        response = post(api, liaison, move_url(proposal, "request-reassign"), {"reason": "不属于我局职责"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "reassign_requested"
        response = post(api, committee_user, move_url(proposal, "assign"), {"lead_unit": other_unit.pk})
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["status"], data["lead_unit"], data["co_units"]) == ("assigned", other_unit.name, [])
        assert not proposal.assignments.filter(unit=unit).exists()

    @pytest.mark.parametrize("move", ["request-reassign", "reply", "sign-off", "opinion"])
    def test_office_staff_no_longer_act_for_units(self, api, office_user, proposal, advance, unit, move):
        advance(proposal, S.ASSIGNED)
        body = {"reason": "职责不符", "opinion": "同意", "text": "答复", "result_class": "B", "unit": unit.pk}
        assert post(api, office_user, move_url(proposal, move), body).status_code == 403
        assert status_of(proposal) == S.ASSIGNED and not proposal.replies.exists()

    def test_co_handling_opinion(self, api, other_liaison, proposal, advance, other_unit):
        advance(proposal, S.ASSIGNED)
        response = post(api, other_liaison, move_url(proposal, "opinion"), {"opinion": "建议统筹建设。"})
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["status"] == "assigned"
        co = next(row for row in data["assignments"] if row["unit"] == other_unit.pk)
        assert (co["opinion"], co["opinion_on"]) == ("建议统筹建设。", today().isoformat())
        assert proposal.events.filter(move="opinion").count() == 1

    def test_co_handling_unit_does_not_reply(self, api, other_liaison, proposal, advance):
        advance(proposal, S.ASSIGNED)
        response = post(api, other_liaison, move_url(proposal, "reply"), {"text": "答复", "result_class": "A"})
        assert response.status_code == 400
        assert "unit" in response.json()

    def test_reply_is_drafted_then_signed_off(self, api, liaison, signer, proposal, advance, unit, other_unit):
        advance(proposal, S.ASSIGNED)
        body = {
            "text": "您提出的建议已列入明年计划。",
            "result_class": "B",
            "doc_number": "镇经信提〔2026〕3号",
            "issued_on": today().isoformat(),
            "signer": "李局长",
            "contact_person": "王静",
            "contact_phone": "0574-86000000",
            "cc": "区政府办公室",
        }
        response = post(api, liaison, move_url(proposal, "reply"), body)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "assigned"  # a draft is no reply
        reply = Reply.objects.get(proposal=proposal)
        assert (reply.status, reply.unit, reply.round, reply.result_class.code, reply.created_by) == (
            "draft",
            unit,
            1,
            "B",
            liaison,
        )
        assert post(api, liaison, move_url(proposal, "sign-off")).status_code == 403  # not the liaison's step
        response = post(api, signer, move_url(proposal, "sign-off"))
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["status"] == "replied"
        # The lead unit signed off before the co-handling unit's opinion came in: it is told so.
        assert len(data["warnings"]) == 1 and other_unit.short_name in data["warnings"][0]
        reply.refresh_from_db()
        assert (reply.status, reply.signed_off_by, reply.signed_off_on, reply.is_public) == (
            "issued",
            signer,
            today(),
            False,
        )
        assert (reply.doc_number, reply.signer, reply.contact_phone, reply.cc) == (
            "镇经信提〔2026〕3号",
            "李局长",
            "0574-86000000",
            "区政府办公室",
        )

    def test_no_warning_once_the_opinions_are_in(self, api, signer, other_liaison, liaison, proposal, advance):
        advance(proposal, S.ASSIGNED)
        post(api, other_liaison, move_url(proposal, "opinion"), {"opinion": "同意"})
        post(api, liaison, move_url(proposal, "reply"), {"text": "答复", "result_class": "B"})
        response = post(api, signer, move_url(proposal, "sign-off"))
        assert response.status_code == 200 and response.json()["warnings"] == []

    def test_a_unit_cannot_publish_its_own_draft(self, api, liaison, proposal, advance):
        advance(proposal, S.ASSIGNED)
        body = {"text": "答复", "result_class": "B", "is_public": True}
        response = post(api, liaison, move_url(proposal, "reply"), body)
        assert response.status_code == 400 and "is_public" in response.json()
        assert not proposal.replies.exists()

    def test_the_signer_returns_the_draft(self, api, liaison, signer, proposal, advance):
        advance(proposal, S.ASSIGNED)
        post(api, liaison, move_url(proposal, "reply"), {"text": "答复", "result_class": "B"})
        assert post(api, signer, move_url(proposal, "return-reply"), {}).status_code == 400
        response = post(api, signer, move_url(proposal, "return-reply"), {"note": "请补充资金安排。"})
        assert response.status_code == 200, response.content
        reply = proposal.replies.get()
        assert (reply.status, reply.return_note) == ("returned", "请补充资金安排。")
        assert post(api, signer, move_url(proposal, "sign-off")).status_code == 409

    def test_the_committee_records_a_paper_reply(self, api, committee_user, proposal, advance, unit):
        advance(proposal, S.ASSIGNED)
        body = {"unit": unit.pk, "text": "书面答复。", "result_class": "B", "signed_off_on": today().isoformat()}
        for bad in ({"signed_off_on": "1990-01-01"}, {"signed_off_on": None}, {"issued_on": "1990-01-01"}):
            assert post(api, committee_user, move_url(proposal, "record-reply"), {**body, **bad}).status_code == 400
        response = post(api, committee_user, move_url(proposal, "record-reply"), body)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "replied"
        reply = proposal.replies.get()
        assert (reply.on_behalf, reply.signed_off_by, reply.signed_off_on) == (True, committee_user, today())

    def test_extend_by_unit_or_by_assignment(self, api, committee_user, proposal, advance, unit, other_unit):
        advance(proposal, S.ASSIGNED)
        later = add_months(today(), 4)
        response = post(
            api, committee_user, move_url(proposal, "extend"), {"unit": unit.pk, "due_date": later, "reason": "需调研"}
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["due_date"] == later.isoformat()
        lead = next(row for row in data["assignments"] if row["unit"] == unit.pk)
        assert (lead["due_date"], lead["is_extended"], lead["extension_reason"]) == (later.isoformat(), True, "需调研")
        co = proposal.assignments.get(unit=other_unit)
        response = post(
            api,
            committee_user,
            move_url(proposal, "extend"),
            {"assignment": co.pk, "due_date": add_months(today(), 2), "reason": "协办意见需会商"},
        )
        assert response.status_code == 200, response.content
        co.refresh_from_db()
        # A co-handling unit's extension moves its opinion's due date.
        assert co.opinion_due_date == add_months(today(), 2)
        row = next(row for row in response.json()["assignments"] if row["unit"] == other_unit.pk)
        assert row["deadline"] == row["opinion_due_date"] == add_months(today(), 2).isoformat()
        assert proposal.events.filter(move="extend").count() == 2

    def test_feedback_satisfied_closes(self, api, committee_user, proposal, advance):
        advance(proposal, S.REPLIED)
        response = post(
            api, committee_user, move_url(proposal, "feedback"), {"satisfaction": "satisfied", "comment": "满意"}
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "closed"
        feedback = proposal.feedbacks.get()
        assert (feedback.proposer.name, feedback.satisfaction, feedback.recorded_by) == (
            "储建华",
            "satisfied",
            committee_user,
        )

    def test_unsatisfied_second_round_then_closed(self, api, committee_user, liaison, signer, proposal, advance):
        advance(proposal, S.REPLIED)
        due = add_months(today(), 4)  # not before the first round's due date, three months from today
        response = post(
            api,
            committee_user,
            move_url(proposal, "feedback"),
            {"satisfaction": "unsatisfied", "comment": "未解决", "proposer": "储建华", "due_date": due},
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["status"], data["round"], data["due_date"]) == ("rehandling", 2, due.isoformat())
        assert data["days_left"] == (due - today()).days
        response = post(api, liaison, move_url(proposal, "reply"), {"text": "已再次研究落实。", "result_class": "A"})
        assert response.status_code == 200, response.content
        response = post(api, signer, move_url(proposal, "sign-off"))
        assert response.json()["status"] == "replied"
        assert list(proposal.replies.values_list("round", flat=True)) == [1, 2]
        response = post(api, committee_user, move_url(proposal, "feedback"), {"satisfaction": "basically_satisfied"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "closed"
        moves = list(proposal.events.values_list("move", flat=True))
        assert moves == [
            "file",
            "assign",
            "draft_reply",
            "reply",
            "feedback",
            "draft_reply",
            "reply",
            "feedback",
        ]

    def test_close(self, api, committee_user, proposal, advance):
        advance(proposal, S.REPLIED)
        response = post(api, committee_user, move_url(proposal, "close"), {"note": "提案人逾期未反馈"})
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "closed"
        assert proposal.events.get(move="close").note == "提案人逾期未反馈"

    @pytest.mark.parametrize(
        ("move", "status"), [(move, status) for move in MOVES for status in S.values if status in ALLOWED[move]]
    )
    def test_allowed_from_status(self, api, request, advance, payload, proposal, move, status):
        advance(proposal, status)
        body = payload(move, proposal)
        before = proposal.events.count()
        user = request.getfixturevalue(ACTOR.get(move, "committee_user"))
        response = post(api, user, move_url(proposal, move), body)
        assert response.status_code == 200, response.content
        assert response.json()["id"] == proposal.pk
        assert proposal.events.count() == before + 1

    @pytest.mark.parametrize(
        ("move", "status"),
        [
            (move, status)
            for move in MOVES
            for status in S.values
            if status not in ALLOWED[move] and not (move in NEEDS_ASSIGNMENT and status in UNASSIGNED)
        ],
    )
    def test_refused_from_status_is_409(self, api, request, advance, payload, proposal, move, status):
        advance(proposal, status)
        body = payload(move, proposal)
        events = proposal.events.count()
        user = request.getfixturevalue(ACTOR.get(move, "committee_user"))
        response = post(api, user, move_url(proposal, move), body)
        assert response.status_code == 409, response.content
        assert response.json()["detail"]
        assert status_of(proposal) == status
        assert proposal.events.count() == events

    @pytest.mark.parametrize(
        ("role", "move"),
        [
            *[
                ("committee_user", move)
                for move in ("reply", "sign-off", "return-reply", "request-reassign", "opinion")
            ],
            *[("liaison", move) for move in ("file", "not-file", "merge", "assign", "extend", "feedback", "close")],
            *[("liaison", move) for move in ("sign-off", "return-reply", "record-reply")],
            *[("signer", move) for move in ("file", "assign", "extend", "record-reply", "feedback", "close")],
            *[("office_user", move) for move in MOVES],
            *[("leader", move) for move in MOVES],
        ],
    )
    def test_role_may_not_make_the_move(self, api, request, advance, payload, proposal, role, move):
        status = sorted(ALLOWED[move])[0]
        advance(proposal, status)
        body = payload(move, proposal)
        events = proposal.events.count()
        response = post(api, request.getfixturevalue(role), move_url(proposal, move), body)
        assert response.status_code == 403, response.content
        assert status_of(proposal) == status
        assert proposal.events.count() == events

    @pytest.mark.parametrize("move", ["reply", "request-reassign", "opinion"])
    def test_other_units_liaison_may_not_act(self, api, committee_user, other_liaison, payload, proposal, move, unit):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit)
        response = post(api, other_liaison, move_url(proposal, move), payload(move, proposal))
        assert response.status_code == 403, response.content
        assert status_of(proposal) == S.ASSIGNED
        assert not proposal.replies.exists()

    def test_liaison_may_not_act_for_another_unit(self, api, liaison, proposal, advance, other_unit):
        advance(proposal, S.ASSIGNED)
        response = post(
            api, liaison, move_url(proposal, "reply"), {"unit": other_unit.pk, "text": "答复", "result_class": "A"}
        )
        assert response.status_code == 403

    def test_unknown_proposal_is_404(self, api, committee_user):
        assert post(api, committee_user, f"{PROPOSALS}999999/file/").status_code == 404


class TestBadData:
    @pytest.mark.parametrize(
        ("status", "user", "move", "body", "field"),
        [
            (S.SUBMITTED, "committee_user", "not-file", {}, "reason"),
            (S.SUBMITTED, "committee_user", "not-file", {"reason": "   "}, "reason"),
            (S.SUBMITTED, "committee_user", "merge", {}, "into"),
            (S.SUBMITTED, "committee_user", "merge", {"into": 999999}, "into"),
            (S.FILED, "committee_user", "assign", {"lead_unit": 999999}, "lead_unit"),
            (S.FILED, "committee_user", "assign", {"co_units": [999999]}, "co_units"),
            (S.FILED, "committee_user", "assign", {}, "lead_unit"),
            (S.FILED, "committee_user", "assign", {"lead_unit": "x"}, "lead_unit"),
            (S.ASSIGNED, "liaison", "request-reassign", {}, "reason"),
            (S.ASSIGNED, "other_liaison", "opinion", {"opinion": ""}, "opinion"),
            (S.ASSIGNED, "liaison", "reply", {"text": "答复", "result_class": "Z"}, "result_class"),
            (S.ASSIGNED, "liaison", "reply", {"result_class": "A"}, "text"),
            (S.ASSIGNED, "liaison", "reply", {"text": "答复", "result_class": "A", "unit": 999999}, "unit"),
            (S.ASSIGNED, "committee_user", "extend", {"due_date": "2026-12-31", "reason": "x"}, "assignment"),
            (S.ASSIGNED, "committee_user", "extend", {"unit": 999999, "due_date": "2026-12-31", "reason": "x"}, "unit"),
            (S.REPLIED, "committee_user", "feedback", {"satisfaction": "happy"}, "satisfaction"),
            (S.REPLIED, "committee_user", "feedback", {"satisfaction": "satisfied", "proposer": "无名氏"}, "proposer"),
        ],
    )
    def test_shape_errors(self, api, request, advance, proposal, status, user, move, body, field):
        advance(proposal, status)
        events = proposal.events.count()
        response = post(api, request.getfixturevalue(user), move_url(proposal, move), body)
        assert response.status_code == 400, response.content
        assert field in response.json()
        assert status_of(proposal) == status
        assert proposal.events.count() == events

    def test_assign_due_date_beyond_the_ceiling(self, api, committee_user, proposal, advance, unit):
        advance(proposal, S.FILED)
        too_late = add_months(today(), 6) + datetime.timedelta(days=1)
        response = post(
            api, committee_user, move_url(proposal, "assign"), {"lead_unit": unit.pk, "due_date": too_late.isoformat()}
        )
        assert response.status_code == 400
        assert "due_date" in response.json()
        assert status_of(proposal) == S.FILED
        ceiling = add_months(today(), 6)
        response = post(api, committee_user, move_url(proposal, "assign"), {"lead_unit": unit.pk, "due_date": ceiling})
        assert response.status_code == 200, response.content

    def test_extension_beyond_the_ceiling_or_earlier(self, api, committee_user, proposal, advance, unit):
        advance(proposal, S.ASSIGNED)
        for due_date in (add_months(today(), 6) + datetime.timedelta(days=1), add_months(today(), 2)):
            body = {"unit": unit.pk, "due_date": due_date.isoformat(), "reason": "需调研"}
            response = post(api, committee_user, move_url(proposal, "extend"), body)
            assert response.status_code == 400, response.content
            assert "due_date" in response.json()

    def test_extension_needs_this_proposals_assignment(self, api, committee_user, proposal, advance, unit):
        advance(proposal, S.ASSIGNED)
        other = advance(ProposalFactory(), S.ASSIGNED)
        body = {"assignment": other.assignments.first().pk, "due_date": add_months(today(), 4), "reason": "x"}
        response = post(api, committee_user, move_url(proposal, "extend"), body)
        assert response.status_code == 400
        assert "assignment" in response.json()

    def test_a_unit_has_one_role(self, api, committee_user, proposal, advance, unit):
        advance(proposal, S.FILED)
        response = post(
            api, committee_user, move_url(proposal, "assign"), {"lead_unit": unit.pk, "co_units": [unit.pk]}
        )
        assert response.status_code == 400
        assert "co_units" in response.json()

    def test_merge_into_itself_or_an_unfiled_proposal(self, api, committee_user, proposal):
        for into in (proposal, ProposalFactory(session=proposal.session)):
            response = post(api, committee_user, move_url(proposal, "merge"), {"into": into.pk})
            assert response.status_code == 400
            assert "into" in response.json()

    def test_reply_dated_in_the_future(self, api, liaison, proposal, advance):
        advance(proposal, S.ASSIGNED)
        tomorrow = today() + datetime.timedelta(days=1)
        body = {"text": "答复", "result_class": "A", "issued_on": tomorrow.isoformat()}
        response = post(api, liaison, move_url(proposal, "reply"), body)
        assert response.status_code == 400
        assert "issued_on" in response.json()

    def test_new_due_date_only_when_unsatisfied(self, api, committee_user, proposal, advance):
        advance(proposal, S.REPLIED)
        body = {"satisfaction": "satisfied", "due_date": add_months(today(), 1).isoformat()}
        response = post(api, committee_user, move_url(proposal, "feedback"), body)
        assert response.status_code == 400
        assert "due_date" in response.json()

    def test_second_reply_in_the_same_round_is_409(self, api, liaison, signer, proposal, advance, committee_user, unit):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(actor=committee_user, proposal=proposal, separate_units=[unit, OrganizationFactory()])
        body = {"text": "答复", "result_class": "A"}
        assert post(api, liaison, move_url(proposal, "reply"), body).status_code == 200
        assert post(api, signer, move_url(proposal, "sign-off")).status_code == 200
        assert status_of(proposal) == S.ASSIGNED  # the other unit still owes its reply
        assert post(api, signer, move_url(proposal, "sign-off")).status_code == 409
        response = post(api, liaison, move_url(proposal, "reply"), body)
        assert response.status_code == 409
        assert response.json()["detail"]


class TestEvents:
    def test_timeline(self, api, committee_user, leader, unit):
        body = {
            "session": SessionFactory().pk,
            "number": "12",
            "title": "关于智慧停车的建议",
            "proposers": ["储建华"],
            "submitted_on": "2026-01-12",
        }
        proposal_id = post(api, committee_user, PROPOSALS, body).json()["id"]
        proposal = Proposal.objects.get(pk=proposal_id)
        post(api, committee_user, move_url(proposal, "file"), {"note": "立案"})
        post(api, committee_user, move_url(proposal, "assign"), {"lead_unit": unit.pk})
        response = api.as_user(leader).get(f"{PROPOSALS}{proposal_id}/events/")
        assert response.status_code == 200
        events = response.json()
        assert [(e["move"], e["from_status"], e["to_status"]) for e in events] == [
            ("submit", "", "submitted"),
            ("file", "submitted", "filed"),
            ("assign", "filed", "assigned"),
        ]
        assert events[1]["note"] == "立案"
        assert unit.short_name in events[2]["note"]
        assert {e["actor"] for e in events} == {committee_user.pk}
        assert events[0]["actor_name"] == committee_user.display_name
        assert events[0]["move_label"]
        assert set(events[0]) == {
            "id",
            "at",
            "move",
            "move_label",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "note",
        }

    def test_timeline_of_an_unknown_proposal_is_404(self, api, leader):
        assert api.as_user(leader).get(f"{PROPOSALS}999999/events/").status_code == 404


class TestFilters:
    @pytest.fixture
    def ledger(self, committee_user, liaison, unit, other_unit, advance, class_a, class_b):
        """Five proposals: submitted, key and filed, overdue at ``other_unit``, replied class A, closed satisfied."""
        submitted = ProposalFactory(title="关于智慧停车的建议", proposers=["王立平"])
        key = advance(ProposalFactory(is_key=True), S.FILED)
        overdue = advance(ProposalFactory(), S.FILED)
        services.proposal_assign(
            actor=committee_user,
            proposal=overdue,
            lead_unit=other_unit,
            assigned_on=today() - datetime.timedelta(days=120),
            due_date=today() - datetime.timedelta(days=10),
        )
        replied = advance(ProposalFactory(), S.REPLIED)
        closed = advance(ProposalFactory(), S.FILED)
        services.proposal_assign(actor=committee_user, proposal=closed, lead_unit=unit)
        issue_reply(closed, unit, liaison=liaison, text="答复", result_class=class_b)
        services.proposal_feedback(actor=committee_user, proposal=closed, satisfaction=Satisfaction.SATISFIED)
        return {"submitted": submitted, "key": key, "overdue": overdue, "replied": replied, "closed": closed}

    def numbers(self, api, user, **params):
        return sorted(row["number"] for row in results(api.as_user(user).get(PROPOSALS, params)))

    def test_filters(self, api, leader, ledger, unit, other_unit):
        def expect(*names):
            return sorted(ledger[name].number for name in names)

        assert self.numbers(api, leader) == expect("submitted", "key", "overdue", "replied", "closed")
        assert self.numbers(api, leader, status="filed") == expect("key")
        assert self.numbers(api, leader, status=["filed", "closed"]) == expect("key", "closed")
        assert self.numbers(api, leader, unit=other_unit.pk) == expect("overdue", "replied")
        assert self.numbers(api, leader, unit=other_unit.pk, role=AssignmentRole.LEAD) == expect("overdue")
        assert self.numbers(api, leader, unit=unit.pk) == expect("replied", "closed")
        assert self.numbers(api, leader, overdue="true") == expect("overdue")
        assert len(self.numbers(api, leader, overdue="false")) == 4
        assert self.numbers(api, leader, is_key="true") == expect("key")
        assert self.numbers(api, leader, result_class="A") == expect("replied")
        assert self.numbers(api, leader, result_class=["A", "B"]) == expect("replied", "closed")
        assert self.numbers(api, leader, satisfaction="satisfied") == expect("closed")
        assert self.numbers(api, leader, satisfaction="unsatisfied") == []
        assert self.numbers(api, leader, search="智慧停车") == expect("submitted")
        assert self.numbers(api, leader, search="王立平") == expect("submitted")
        assert self.numbers(api, leader, session=ledger["key"].session_id) == self.numbers(api, leader)

    def test_overdue_figures(self, api, leader, ledger):
        row = api.as_user(leader).get(detail_url(ledger["overdue"])).json()
        assert row["overdue"] is True
        assert row["days_left"] == -10

    def test_ordering(self, api, leader, ledger):
        rows = results(api.as_user(leader).get(PROPOSALS, {"ordering": "-number"}))
        assert [row["number"] for row in rows] == sorted((row["number"] for row in rows), reverse=True)
        rows = results(api.get(PROPOSALS, {"ordering": "days_left", "status": "assigned"}))
        assert rows[0]["number"] == ledger["overdue"].number
        for field in ("submitted_on", "due_date", "status"):
            assert api.get(PROPOSALS, {"ordering": field}).status_code == 200

    def test_unknown_filter_value_is_400(self, api, leader, ledger):
        assert api.as_user(leader).get(PROPOSALS, {"status": "lost"}).status_code == 400
        assert api.get(PROPOSALS, {"result_class": "Z"}).status_code == 400


class TestReplies:
    @pytest.fixture
    def reply(self, proposal, advance):
        advance(proposal, S.REPLIED)
        return proposal.replies.get()

    def test_representation(self, api, leader, reply, unit):
        rows = results(api.as_user(leader).get("/api/v1/replies/"))
        assert len(rows) == 1
        row = rows[0]
        assert row["proposal"] == reply.proposal_id
        assert row["unit"] == unit.name
        assert row["result_class"] == "A"
        assert (row["round"], row["text"], row["is_public"], row["support_count"], row["oppose_count"]) == (
            1,
            "已采纳。",
            False,
            0,
            0,
        )
        assert set(row) >= {"doc_number", "issued_on", "signer", "contact_person", "contact_phone", "cc", "url"}

    def test_filters(self, api, leader, reply, unit, other_unit):
        api.as_user(leader)
        assert len(results(api.get("/api/v1/replies/", {"unit": unit.pk}))) == 1
        assert results(api.get("/api/v1/replies/", {"unit": other_unit.pk})) == []
        assert len(results(api.get("/api/v1/replies/", {"proposal": reply.proposal_id, "is_public": "false"}))) == 1

    def test_filter_by_result_class_code(self, api, leader, reply):
        api.as_user(leader)
        assert len(results(api.get("/api/v1/replies/", {"result_class": "A"}))) == 1
        assert results(api.get("/api/v1/replies/", {"result_class": "B"})) == []

    def test_committee_publishes_only_is_public_changes(self, api, committee_user, reply):
        url = f"/api/v1/replies/{reply.pk}/"
        response = api.as_user(committee_user).patch(
            url, {"is_public": True, "text": "改写", "round": 5}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["is_public"] is True
        reply.refresh_from_db()
        assert (reply.is_public, reply.text, reply.round) == (True, "已采纳。", 1)
        assert api.patch(url, {"is_public": False}, format="json").json()["is_public"] is False

    @pytest.mark.parametrize("role", ["liaison", "office_user", "leader"])
    def test_others_may_not_publish(self, api, request, role, reply):
        response = api.as_user(request.getfixturevalue(role)).patch(
            f"/api/v1/replies/{reply.pk}/", {"is_public": True}, format="json"
        )
        assert response.status_code == 403
        reply.refresh_from_db()
        assert reply.is_public is False

    def test_replies_are_written_by_the_move_only(self, api, committee_user, reply):
        api.as_user(committee_user)
        url = f"/api/v1/replies/{reply.pk}/"
        # No role may add or delete replies (403 from the permission check, which answers before the method check);
        # a full update is not offered (405).
        assert api.post("/api/v1/replies/", {"proposal": reply.proposal_id}, format="json").status_code in (403, 405)
        assert api.put(url, {"is_public": True}, format="json").status_code == 405
        assert api.delete(url).status_code in (403, 405)
        assert Reply.objects.filter(pk=reply.pk, is_public=False).exists()


def test_list_costs_the_same_queries_for_3_or_10_proposals(api, leader, committee_user, unit, other_unit):
    def make(count):
        for _ in range(count):
            proposal = ProposalFactory(proposers=["储建华", "吴建娣"])
            proposal.related_projects.add(ProjectFactory())
            services.proposal_file(actor=committee_user, proposal=proposal)
            services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit, co_units=[other_unit])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(PROPOSALS, {"page_size": 100})
            assert response.status_code == 200
        return len(queries), response.json()["count"]

    api.as_user(leader)
    make(3)
    count_queries()  # the first request also loads the user's permissions
    few, count = count_queries()
    assert count == 3
    make(7)
    many, count = count_queries()
    assert count == 10
    assert many == few
    assert few <= 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks to race for")
@pytest.mark.django_db(transaction=True)
def test_two_people_file_the_same_proposal_at_once():
    committee = [UserFactory(username=f"committee-{n}", role=Role.COMMITTEE) for n in (1, 2)]
    proposal = ProposalFactory()
    barrier = threading.Barrier(2)
    codes, errors = [], []

    def file(user):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            codes.append(client.post(move_url(proposal, "file"), {}, format="json").status_code)
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(user,)) for user in committee]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(codes) == [200, 409]
    assert Event.objects.filter(proposal=proposal, move=ProposalMove.FILE).count() == 1
    assert status_of(proposal) == S.FILED


class TestReplyRules:
    def test_a_draft_is_listed_to_its_own_unit_only(
        self, api, liaison, signer, other_liaison, leader, committee_user, proposal, advance
    ):
        advance(proposal, S.ASSIGNED)
        post(api, liaison, move_url(proposal, "reply"), {"text": "答复稿", "result_class": "B"})
        draft = proposal.replies.get()
        for user in (liaison, signer):
            rows = results(api.as_user(user).get("/api/v1/replies/"))
            assert [(row["id"], row["status"]) for row in rows] == [(draft.pk, "draft")]
        for user in (other_liaison, leader, committee_user):
            assert results(api.as_user(user).get("/api/v1/replies/")) == []
            assert api.get(f"/api/v1/replies/{draft.pk}/").status_code == 404

    def test_the_representation_says_when_it_counted(self, api, leader, committee_user, unit, proposal, set_today):
        set_today(datetime.date(2026, 6, 1))
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(
            actor=committee_user, proposal=proposal, lead_unit=unit, assigned_on=datetime.date(2026, 1, 10)
        )
        reply = issue_reply(proposal, unit, issued_on=datetime.date(2026, 2, 1))
        row = api.as_user(leader).get(f"/api/v1/replies/{reply.pk}/").json()
        assert (row["status"], row["issued_on"], row["signed_off_on"], row["due_date"], row["is_late"]) == (
            "issued",
            "2026-02-01",
            "2026-06-01",
            "2026-04-10",
            True,
        )
        assert (row["on_behalf"], row["is_superseded"], row["signed_off_by_name"]) == (
            False,
            False,
            "signer-of-" + str(unit.pk),
        )
        # The ledger's filter judges the same way: replied late, whatever the letter's date.
        numbers = [row["number"] for row in results(api.get(PROPOSALS, {"reply": "late"}))]
        assert numbers == [proposal.number]
        assert results(api.get(PROPOSALS, {"reply": "on_time"})) == []

    def test_publish_and_withdraw(self, api, committee_user, liaison, proposal, advance):
        advance(proposal, S.REPLIED)
        reply = proposal.replies.get()
        url = f"/api/v1/replies/{reply.pk}/"
        assert post(api, liaison, f"{url}publish/").status_code == 403
        response = post(api, committee_user, f"{url}publish/")
        assert response.status_code == 200 and response.json()["is_public"] is True
        assert post(api, committee_user, f"{url}publish/").status_code == 409
        response = post(api, committee_user, f"{url}withdraw/", {"note": "含个人信息"})
        assert response.status_code == 200 and response.json()["is_public"] is False
        moves = list(
            proposal.events.filter(move__in=["publish_reply", "withdraw_reply"]).values_list("move", flat=True)
        )
        assert moves == ["publish_reply", "withdraw_reply"]

    def test_a_superseded_reply_is_not_published(self, api, committee_user, proposal, advance):
        advance(proposal, S.REHANDLING)
        reply = proposal.replies.get()
        assert api.as_user(committee_user).get(f"/api/v1/replies/{reply.pk}/").json()["is_superseded"] is True
        assert post(api, committee_user, f"/api/v1/replies/{reply.pk}/publish/").status_code == 409
        response = api.patch(f"/api/v1/replies/{reply.pk}/", {"is_public": True}, format="json")
        assert response.status_code == 409


class TestHandlingUnits:
    URL = "/api/v1/handling-units/"

    def test_the_list_holds_the_government_and_what_the_committee_adds(self, api, committee_user, liaison, unit):
        power = OrganizationFactory(name="国网宁波供电公司", kind="company")
        party = OrganizationFactory(name="民革市委会", kind="party")
        cppcc = OrganizationFactory(name="区政协", kind="cppcc")
        proposer_org = OrganizationFactory(name="区工商联", kind="other")
        ProposerFactory(name="区工商联")
        rows = api.as_user(liaison).get(self.URL).json()
        ids = {row["organization"] for row in rows}
        assert unit.pk in ids and not {power.pk, party.pk, cppcc.pk, proposer_org.pk} & ids
        assert next(row for row in rows if row["organization"] == unit.pk)["listed_by_default"] is True
        assert post(api, liaison, self.URL, {"organization": power.pk}).status_code == 403

        response = post(api, committee_user, self.URL, {"organization": power.pk, "note": "供电"})
        assert response.status_code == 201, response.content
        assert (response.json()["listed_by_default"], response.json()["note"]) == (False, "供电")
        for refused in (party, cppcc, proposer_org):
            response = post(api, committee_user, self.URL, {"organization": refused.pk})
            assert response.status_code == 400 and "organization" in response.json()
        assert api.delete(f"{self.URL}{unit.pk}/").status_code == 204
        ids = {row["organization"] for row in api.get(self.URL).json()}
        assert power.pk in ids and unit.pk not in ids
        assert api.delete(f"{self.URL}{unit.pk}/").status_code == 404

    def test_assignment_takes_only_units_on_the_list(self, api, committee_user, proposal, advance, unit):
        party = OrganizationFactory(name="民革市委会", kind="party")
        company = OrganizationFactory(name="宁波水务集团", kind="company")
        advance(proposal, S.FILED)
        for body, field in (
            ({"lead_unit": party.pk}, "lead_unit"),
            ({"lead_unit": unit.pk, "co_units": [company.pk]}, "co_units"),
            ({"separate_units": [party.pk]}, "separate_units"),
        ):
            response = post(api, committee_user, move_url(proposal, "assign"), body)
            assert response.status_code == 400 and field in response.json(), response.content
        assert status_of(proposal) == S.FILED
        post(api, committee_user, self.URL, {"organization": company.pk})
        body = {"lead_unit": unit.pk, "co_units": [company.pk]}
        assert post(api, committee_user, move_url(proposal, "assign"), body).status_code == 200
