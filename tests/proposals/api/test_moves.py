"""The proposal API's workflow moves: each by role and status (allowed, refused with 409, forbidden with 403),
and the bad bodies each refuses with 400."""

import datetime

import pytest

from common.dates import add_months
from proposals import services
from proposals.choices import ProposalMove
from proposals.models import Reply
from tests.factories import OrganizationFactory, ProposalFactory
from tests.proposals.api.support import (
    ACTOR,
    ALLOWED,
    MOVES,
    NEEDS_ASSIGNMENT,
    PROPOSALS,
    UNASSIGNED,
    S,
    move_url,
    post,
    status_of,
    today,
)

pytestmark = pytest.mark.django_db


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
