"""The replies' own rules on a real database (issue 16, part B): nobody grades their own homework.

- The unit's liaison drafts; the draft is the unit's alone and counts nowhere. It is issued when the unit's signer
  (单位签发人) signs it off, or recorded by the committee on the unit's behalf (代录); the signer may return it.
- The letter's date may not precede the round nor lie in the future; on time is judged by the sign-off.
- The lead unit is warned when it signs off before the co-handling opinions are in.
- Publication is the committee's step; a reply superseded by a rehandling leaves the public pages.
- Rehandling never moves a due date earlier than the round's.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.choices import Role
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from proposals import services
from proposals.choices import ProposalMove, ProposalStatus, ReplyStatus
from proposals.models import Assignment, Proposal, Reply

from ..factories import ProposalFactory, UserFactory, issue_reply, unit_user
from .course import db_state, standard

pytestmark = pytest.mark.django_db

S = ProposalStatus


def today() -> datetime.date:
    return timezone.localdate()


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def draft(ctx, proposal, **fields) -> Reply:
    fields = {"text": "已列入2027年智慧水务二期建设计划。", "result_class": ctx.course.result_class, **fields}
    return services.reply_save_draft(actor=ctx.liaison, proposal=proposal, **fields)


def refreshed(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


# --- Drafting ----------------------------------------------------------------------------------------------------


def test_a_draft_is_the_units_alone_and_counts_nowhere(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = draft(ctx, proposal)
    assert (reply.status, reply.is_public, reply.signed_off_on, reply.issued_on) == (
        ReplyStatus.DRAFT,
        False,
        None,
        None,
    )
    assert refreshed(proposal).status == S.ASSIGNED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.DRAFT_REPLY,
        ctx.liaison,
        S.ASSIGNED,
        S.ASSIGNED,
    )
    # Not counted: the unit still owes its reply; no statistics, filter or public page sees it.
    assert Assignment.objects.pending().filter(unit=ctx.unit, proposal=proposal).exists()
    assert not Reply.objects.issued().exists() and not Reply.objects.published().exists()
    # Seen only by the unit's own people.
    assert list(Reply.objects.visible_to(ctx.signer)) == [reply]
    for outsider in (ctx.committee, ctx.office, ctx.leader, ctx.other_liaison, ctx.co_liaison):
        assert not Reply.objects.visible_to(outsider).exists()


def test_the_draft_is_edited_until_it_is_signed_off(ctx, class_b):
    proposal = standard(ctx, S.ASSIGNED)
    first = draft(ctx, proposal)
    events = proposal.events.count()
    second = services.reply_save_draft(actor=ctx.signer, proposal=proposal, text="修改后的答复", result_class=class_b)
    assert second.pk == first.pk
    assert (second.text, second.result_class, second.status) == ("修改后的答复", class_b, ReplyStatus.DRAFT)
    assert proposal.events.count() == events  # a change to a draft awaiting sign-off is no new step
    assert Reply.objects.count() == 1


def test_sign_off_issues_the_letter_as_drafted(ctx, class_b):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(10))
    issued_on = today() - days(3)
    draft(
        ctx,
        proposal,
        text=" 已列入2027年智慧水务二期建设计划。 ",
        result_class=class_b,
        issued_on=issued_on,
        doc_number=" 镇经信函〔2026〕12号 ",
        signer="应国平",
        contact_person="毛日旭",
        contact_phone="86270098",
        cc="区政协提案委、区经信局",
    )
    reply = services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    reply.refresh_from_db()
    assert (reply.proposal, reply.unit, reply.round, reply.text, reply.result_class, reply.issued_on) == (
        proposal,
        ctx.unit,
        1,
        "已列入2027年智慧水务二期建设计划。",
        class_b,
        issued_on,
    )
    assert (reply.doc_number, reply.signer, reply.contact_person, reply.contact_phone, reply.cc) == (
        "镇经信函〔2026〕12号",
        "应国平",
        "毛日旭",
        "86270098",
        "区政协提案委、区经信局",
    )
    assert (reply.status, reply.signed_off_on, reply.signed_off_by, reply.on_behalf) == (
        ReplyStatus.ISSUED,
        today(),
        ctx.signer,
        False,
    )
    assert reply.signed_off_at is not None and reply.due_date == proposal.assignments.get(unit=ctx.unit).due_date
    assert (reply.created_by, reply.is_public) == (ctx.liaison, False)  # publication is the committee's
    assert reply.history.latest().history_user == ctx.signer
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.REPLY,
        ctx.signer,
        S.ASSIGNED,
        S.REPLIED,
    )
    assert "区经信局" in event.note and "B" in event.note and "镇经信函〔2026〕12号" in event.note


def test_an_undated_letter_takes_the_sign_off_day(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    draft(ctx, proposal)
    reply = services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert reply.issued_on == reply.signed_off_on == today()


@pytest.mark.parametrize("who", ["liaison", "other_signer", "office", "committee", "leader", "co_liaison"])
def test_only_the_units_own_signer_signs_off(ctx, who):
    proposal = standard(ctx, S.ASSIGNED)
    draft(ctx, proposal)
    before = db_state()
    with pytest.raises(ActionForbidden):
        services.reply_sign_off(actor=getattr(ctx, who), proposal=proposal)
    with pytest.raises(ActionForbidden):
        services.reply_sign_off(actor=getattr(ctx, who), proposal=proposal, unit=ctx.unit)
    assert db_state() == before


def test_a_signer_cannot_sign_off_for_another_unit_by_naming_it(ctx):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.other_unit])
    services.reply_save_draft(
        actor=ctx.other_liaison, proposal=proposal, text="水利局答复", result_class=ctx.course.result_class
    )
    before = db_state()
    with pytest.raises(ActionForbidden):
        services.reply_sign_off(actor=ctx.signer, proposal=proposal, unit=ctx.other_unit)
    with pytest.raises(WorkflowError):  # its own unit has nothing to sign
        services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert db_state() == before


def test_the_signer_returns_the_draft_with_a_note(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = draft(ctx, proposal)
    services.reply_return(actor=ctx.signer, proposal=proposal, note=" 请补充资金来源和完成时限。 ")
    reply.refresh_from_db()
    assert (reply.status, reply.return_note) == (ReplyStatus.RETURNED, "请补充资金来源和完成时限。")
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.note) == (
        ProposalMove.RETURN_REPLY,
        ctx.signer,
        "区经信局: 请补充资金来源和完成时限。",
    )
    # Returned, it waits for the drafter: nothing to sign off until it is saved again.
    with pytest.raises(WorkflowError):
        services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    draft(ctx, proposal, text="补充了资金来源的答复")
    reply.refresh_from_db()
    assert (reply.status, reply.return_note) == (ReplyStatus.DRAFT, "")
    assert proposal.events.latest("pk").move == ProposalMove.DRAFT_REPLY
    services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert refreshed(proposal).status == S.REPLIED


@pytest.mark.parametrize("note", ["", "   "])
def test_a_return_says_what_to_change(ctx, note):
    proposal = standard(ctx, S.ASSIGNED)
    draft(ctx, proposal)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.reply_return(actor=ctx.signer, proposal=proposal, note=note)
    assert "note" in raised.value.message_dict
    assert db_state() == before


def test_nothing_to_sign_off_without_a_draft(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(WorkflowError):
        services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    with pytest.raises(WorkflowError):
        services.reply_return(actor=ctx.signer, proposal=proposal, note="无")
    assert db_state() == before


def test_a_draft_needs_text(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ValidationError):
        draft(ctx, proposal, text="   ")
    assert db_state() == before


def test_a_co_unit_sends_an_opinion_and_does_not_reply(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ValidationError):
        services.reply_save_draft(
            actor=ctx.co_liaison, proposal=proposal, text="协办答复", result_class=ctx.course.result_class
        )
    with pytest.raises(ValidationError):
        services.reply_record(
            actor=ctx.committee,
            proposal=proposal,
            unit=ctx.co_unit,
            text="协办答复",
            result_class=ctx.course.result_class,
            signed_off_on=today(),
        )
    assert db_state() == before


def test_separate_units_each_reply_before_the_proposal_is_replied(ctx):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.other_unit])
    issue_reply(proposal, ctx.unit, liaison=ctx.liaison, signer=ctx.signer, text="经信局答复")
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    event = proposal.events.latest("pk")
    assert (event.move, event.from_status, event.to_status) == (ProposalMove.REPLY, S.ASSIGNED, S.ASSIGNED)
    issue_reply(proposal, ctx.other_unit, liaison=ctx.other_liaison, signer=ctx.other_signer, text="水利局答复")
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.REPLY,
        ctx.other_signer,
        S.ASSIGNED,
        S.REPLIED,
    )
    assert proposal.replies.issued().count() == 2


def test_a_unit_replies_once_a_round(ctx):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.other_unit])
    ctx.course.reply(proposal, ctx.unit)
    before = db_state()
    with pytest.raises(WorkflowError):
        draft(ctx, proposal, text="再答复")
    with pytest.raises(WorkflowError):
        services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    with pytest.raises(WorkflowError):
        services.reply_record(
            actor=ctx.committee,
            proposal=proposal,
            unit=ctx.unit,
            text="再答复",
            result_class=ctx.course.result_class,
            signed_off_on=today(),
        )
    assert db_state() == before


# --- Dates: the letter's, and the sign-off that decides "on time" ----------------------------------------------------


@pytest.mark.parametrize(
    "issued_on",
    [
        pytest.param(datetime.date(1990, 1, 1), id="1990-01-01"),
        pytest.param(-1, id="the-day-before-assignment"),
        pytest.param(1, id="tomorrow"),
    ],
)
def test_the_letter_may_not_precede_the_assignment_nor_lie_in_the_future(ctx, issued_on):
    assigned_on = today() - days(100)
    proposal = standard(ctx, S.ASSIGNED, assigned_on=assigned_on)
    if issued_on == -1:
        issued_on = assigned_on - days(1)
    elif issued_on == 1:
        issued_on = today() + days(1)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        draft(ctx, proposal, issued_on=issued_on)
    assert "issued_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.reply_record(
            actor=ctx.committee,
            proposal=proposal,
            unit=ctx.unit,
            text="书面答复",
            result_class=ctx.course.result_class,
            signed_off_on=today(),
            issued_on=issued_on,
        )
    assert "issued_on" in raised.value.message_dict
    assert db_state() == before


def test_the_letter_may_be_dated_on_the_assignment_day(ctx):
    assigned_on = today() - days(100)
    proposal = standard(ctx, S.ASSIGNED, assigned_on=assigned_on)
    draft(ctx, proposal, issued_on=assigned_on)
    assert services.reply_sign_off(actor=ctx.signer, proposal=proposal).issued_on == assigned_on


def test_an_overdue_reply_dated_early_is_still_late(ctx):
    """The attack of the issue: a unit replies to an overdue proposal with an early letter date. The letter date is
    kept and shown, but the reply counts as signed off today, after its due date."""
    assigned_on = today() - days(120)
    proposal = standard(ctx, S.ASSIGNED, assigned_on=assigned_on)
    due = proposal.assignments.get(unit=ctx.unit).due_date
    assert due < today()
    draft(ctx, proposal, issued_on=assigned_on + days(10))
    reply = services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert (reply.issued_on, reply.signed_off_on, reply.due_date) == (assigned_on + days(10), today(), due)
    assert reply.is_late is True
    assert list(Reply.objects.late()) == [reply]
    assert not Reply.objects.on_time().exists()


def test_a_reply_signed_off_by_the_due_date_is_on_time(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = ctx.course.reply(proposal, ctx.unit)
    assert reply.is_late is False
    assert list(Reply.objects.on_time()) == [reply]
    assert not Reply.objects.late().exists()


def test_the_due_date_counted_is_the_one_at_sign_off(ctx):
    """An extension granted while the draft waits counts: the reply takes the unit's due date as it stands when it
    is issued, not when it was drafted."""
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(100))
    draft(ctx, proposal)
    assignment = proposal.assignments.get(unit=ctx.unit)
    services.assignment_extend(actor=ctx.committee, assignment=assignment, due_date=today() + days(10), reason="需调研")
    reply = services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert (reply.due_date, reply.is_late) == (today() + days(10), False)


# --- 代录: a paper reply recorded by the committee -----------------------------------------------------------------


def test_the_committee_records_a_paper_reply_on_the_units_behalf(ctx, class_b):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(40))
    signed_off_on = today() - days(5)
    reply = services.reply_record(
        actor=ctx.committee,
        proposal=proposal,
        unit=ctx.unit,
        text="书面答复全文",
        result_class=class_b,
        signed_off_on=signed_off_on,
        issued_on=signed_off_on - days(2),
        doc_number="镇经信函〔2026〕30号",
        signer="应国平",
    )
    reply.refresh_from_db()
    assert (reply.status, reply.on_behalf, reply.signed_off_on, reply.issued_on) == (
        ReplyStatus.ISSUED,
        True,
        signed_off_on,
        signed_off_on - days(2),
    )
    assert (reply.signed_off_by, reply.created_by, reply.signer) == (ctx.committee, ctx.committee, "应国平")
    assert reply.signed_off_at is not None and reply.is_late is False
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.RECORD_REPLY,
        ctx.committee,
        S.ASSIGNED,
        S.REPLIED,
    )
    assert signed_off_on.isoformat() in event.note


def test_a_recorded_reply_signed_off_after_the_due_date_is_late(ctx):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(120))
    due = proposal.assignments.get(unit=ctx.unit).due_date
    reply = services.reply_record(
        actor=ctx.committee,
        proposal=proposal,
        unit=ctx.unit,
        text="书面答复",
        result_class=ctx.course.result_class,
        signed_off_on=due + days(1),
        issued_on=due - days(20),
    )
    assert reply.is_late is True


@pytest.mark.parametrize(
    ("signed_off_on", "issued_on", "field"),
    [
        pytest.param(1, None, "signed_off_on", id="signed-off-tomorrow"),
        pytest.param(-101, None, "signed_off_on", id="signed-off-before-assignment"),
        pytest.param(-5, -3, "issued_on", id="letter-after-sign-off"),
        pytest.param(None, None, "signed_off_on", id="no-sign-off-date"),
    ],
)
def test_recorded_sign_off_dates(ctx, signed_off_on, issued_on, field):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(100))
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.reply_record(
            actor=ctx.committee,
            proposal=proposal,
            unit=ctx.unit,
            text="书面答复",
            result_class=ctx.course.result_class,
            signed_off_on=None if signed_off_on is None else today() + days(signed_off_on),
            issued_on=None if issued_on is None else today() + days(issued_on),
        )
    assert field in raised.value.message_dict
    assert db_state() == before


def test_a_recorded_reply_takes_the_place_of_the_units_draft(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    started = draft(ctx, proposal, text="系统里未完成的稿")
    reply = services.reply_record(
        actor=ctx.committee,
        proposal=proposal,
        unit=ctx.unit,
        text="单位书面答复",
        result_class=ctx.course.result_class,
        signed_off_on=today(),
    )
    assert reply.pk == started.pk and Reply.objects.count() == 1
    reply.refresh_from_db()
    assert (reply.text, reply.status, reply.on_behalf) == ("单位书面答复", ReplyStatus.ISSUED, True)


@pytest.mark.parametrize("who", ["liaison", "signer", "office", "leader"])
def test_only_the_committee_records_a_paper_reply(ctx, who):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ActionForbidden):
        services.reply_record(
            actor=getattr(ctx, who),
            proposal=proposal,
            unit=ctx.unit,
            text="书面答复",
            result_class=ctx.course.result_class,
            signed_off_on=today(),
        )
    assert db_state() == before


# --- Co-handling opinions --------------------------------------------------------------------------------------------


def test_a_co_handling_opinion_is_due_a_month_after_assignment(ctx):
    assigned_on = datetime.date(2026, 1, 31)
    proposal = standard(ctx, S.ASSIGNED, assigned_on=assigned_on)
    co = proposal.assignments.get(unit=ctx.co_unit)
    lead = proposal.assignments.get(unit=ctx.unit)
    assert (co.opinion_due_date, co.deadline) == (datetime.date(2026, 2, 28), datetime.date(2026, 2, 28))
    assert (lead.opinion_due_date, lead.deadline, lead.due_date) == (None, lead.due_date, datetime.date(2026, 4, 30))
    assert "2026-02-28" in proposal.events.latest("pk").note


def test_the_opinion_months_are_a_setting_and_never_past_the_reply(ctx, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "OPINION_MONTHS": 2}
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 3, 15))
    assert proposal.assignments.get(unit=ctx.co_unit).opinion_due_date == datetime.date(2026, 5, 15)
    short = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 3, 15), due_date=datetime.date(2026, 4, 1))
    assert short.assignments.get(unit=ctx.co_unit).opinion_due_date == datetime.date(2026, 4, 1)


def test_a_co_unit_is_overdue_on_its_opinion_date_not_the_leads(ctx):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=today() - days(40))
    states = {a.unit_id: a for a in Assignment.objects.with_state().filter(proposal=proposal)}
    co, lead = states[ctx.co_unit.pk], states[ctx.unit.pk]
    assert (co.pending, co.overdue, co.deadline) == (True, True, co.opinion_due_date)
    assert (lead.pending, lead.overdue) == (True, False)


def test_a_unit_that_changes_role_gets_or_loses_its_opinion_date(ctx):
    proposal = standard(ctx, S.REASSIGN_REQUESTED)
    services.proposal_assign(actor=ctx.committee, proposal=proposal, lead_unit=ctx.co_unit, co_units=[ctx.unit])
    roles = {a.unit_id: a for a in proposal.assignments.all()}
    assert roles[ctx.co_unit.pk].opinion_due_date is None
    assert roles[ctx.unit.pk].opinion_due_date == services.opinion_due_date(today(), roles[ctx.unit.pk].due_date)


def test_the_lead_unit_is_warned_when_it_signs_off_before_the_opinions(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = draft(ctx, proposal)
    (warning,) = services.sign_off_warnings(reply)
    assert "区住建局" in warning
    reply = services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert services.sign_off_warnings(reply) == [warning]  # signed off all the same


def test_no_warning_once_the_opinions_are_in(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    services.proposal_opinion(actor=ctx.co_liaison, proposal=proposal, opinion="同意")
    draft(ctx, proposal)
    assert services.sign_off_warnings(services.reply_sign_off(actor=ctx.signer, proposal=proposal)) == []


def test_a_separate_unit_is_not_warned_of_the_lead_units_opinions(ctx):
    proposal = ctx.course.bring(
        ProposalFactory(), S.ASSIGNED, lead=ctx.other_unit, co=[ctx.co_unit], separate=[ctx.unit]
    )
    draft(ctx, proposal)
    assert services.sign_off_warnings(services.reply_sign_off(actor=ctx.signer, proposal=proposal)) == []


# --- Publication ---------------------------------------------------------------------------------------------------


def test_the_committee_publishes_and_withdraws_an_issued_reply(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = ctx.course.reply(proposal, ctx.unit)
    services.reply_publish(actor=ctx.committee, reply=reply)
    reply.refresh_from_db()
    assert reply.is_public and list(Reply.objects.published()) == [reply]
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.PUBLISH_REPLY,
        ctx.committee,
        S.REPLIED,
        S.REPLIED,
    )
    services.reply_withdraw(actor=ctx.committee, reply=reply, note="含个人信息，暂缓公开")
    reply.refresh_from_db()
    assert not reply.is_public and not Reply.objects.published().exists()
    event = proposal.events.latest("pk")
    assert (event.move, event.actor) == (ProposalMove.WITHDRAW_REPLY, ctx.committee)
    assert "含个人信息" in event.note


@pytest.mark.parametrize("who", ["liaison", "signer", "office", "leader", "other_liaison"])
def test_publication_is_the_committees_decision(ctx, who):
    proposal = standard(ctx, S.ASSIGNED)
    reply = ctx.course.reply(proposal, ctx.unit)
    before = db_state()
    with pytest.raises(ActionForbidden):
        services.reply_publish(actor=getattr(ctx, who), reply=reply)
    with pytest.raises(ActionForbidden):
        services.reply_set_public(actor=getattr(ctx, who), reply=reply, is_public=True)
    services.reply_publish(actor=ctx.committee, reply=reply)
    with pytest.raises(ActionForbidden):
        services.reply_withdraw(actor=getattr(ctx, who), reply=reply)
    with pytest.raises(ActionForbidden):  # even asking for what is already so
        services.reply_set_public(actor=getattr(ctx, who), reply=reply, is_public=True)
    assert Reply.objects.get(pk=reply.pk).is_public
    assert proposal.events.filter(move=ProposalMove.PUBLISH_REPLY).count() == 1
    assert before[0] == db_state()[0]


def test_a_draft_cannot_be_published(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = draft(ctx, proposal)
    before = db_state()
    with pytest.raises(WorkflowError):
        services.reply_publish(actor=ctx.committee, reply=reply)
    assert db_state() == before


def test_publishing_twice_or_withdrawing_an_unpublished_reply_is_refused(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = ctx.course.reply(proposal, ctx.unit)
    with pytest.raises(WorkflowError):
        services.reply_withdraw(actor=ctx.committee, reply=reply)
    services.reply_publish(actor=ctx.committee, reply=reply)
    with pytest.raises(WorkflowError):
        services.reply_publish(actor=ctx.committee, reply=reply)


def test_a_superseded_reply_leaves_the_public_pages_and_stays_in_the_record(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    first = ctx.course.reply(proposal, ctx.unit)
    services.reply_publish(actor=ctx.committee, reply=first)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied")
    first.refresh_from_db()
    assert first.is_public and first.is_issued and first.is_superseded
    assert not Reply.objects.published().exists()
    assert list(Reply.objects.superseded()) == [first]
    services.reply_withdraw(actor=ctx.committee, reply=first)  # the committee may also take it down for good
    with pytest.raises(WorkflowError):  # but not publish it again
        services.reply_publish(actor=ctx.committee, reply=first)
    second = ctx.course.reply(proposal, ctx.unit, text="重新办理后的答复")
    assert not second.is_superseded
    services.reply_publish(actor=ctx.committee, reply=second)
    assert list(Reply.objects.published()) == [second]
    assert set(proposal.replies.issued()) == {first, second}


def test_publication_of_an_archived_proposals_reply_is_refused(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    reply = ctx.course.reply(proposal, ctx.unit)
    Proposal.all_objects.filter(pk=proposal.pk).update(archived_at=timezone.now())
    with pytest.raises(WorkflowError):
        services.reply_publish(actor=ctx.committee, reply=Reply.objects.get(pk=reply.pk))


# --- Rehandling due dates ------------------------------------------------------------------------------------------


def test_rehandling_never_moves_the_due_date_earlier(ctx, set_today):
    """The issue's dates: assigned 2026-12-06, due 2027-03-06; replied and found unsatisfying the same day. The new
    round was due 2027-02-06 (two months after the feedback); it is due 2027-03-06, the round's own date."""
    set_today(datetime.date(2026, 12, 6))
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 12, 6))
    assert proposal.due_date == datetime.date(2027, 3, 6)
    ctx.course.reply(proposal, ctx.unit)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round, proposal.due_date) == (S.REHANDLING, 2, datetime.date(2027, 3, 6))
    assert set(proposal.assignments.values_list("due_date", flat=True)) == {datetime.date(2027, 3, 6)}
    assert "2027-03-06" in proposal.events.latest("pk").note


def test_rehandling_after_a_late_reply_gets_its_months(ctx, set_today):
    set_today(datetime.date(2026, 12, 6))
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 8, 1))  # due 2026-11-01
    ctx.course.reply(proposal, ctx.unit)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied")
    assert refreshed(proposal).due_date == datetime.date(2027, 2, 6)


def test_a_rehandling_due_date_given_before_the_rounds_is_refused(ctx, set_today):
    set_today(datetime.date(2026, 12, 6))
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 12, 6))
    ctx.course.reply(proposal, ctx.unit)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_feedback(
            actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied", due_date=datetime.date(2027, 2, 6)
        )
    assert "2027-03-06" in raised.value.message_dict["due_date"][0]
    assert db_state() == before


def test_the_second_rounds_letter_may_not_precede_the_rehandling(ctx):
    proposal = standard(ctx, S.REHANDLING, assigned_on=today() - days(30))
    sent_back = today()
    with pytest.raises(ValidationError):
        draft(ctx, proposal, issued_on=sent_back - days(1))
    reply = draft(ctx, proposal, issued_on=sent_back)
    assert reply.round == 2


# --- The signer role ------------------------------------------------------------------------------------------------


def test_a_unit_may_have_several_signers(ctx):
    deputy = UserFactory(username="deputy-signer", organization=ctx.unit, role=Role.SIGNER)
    proposal = standard(ctx, S.ASSIGNED)
    draft(ctx, proposal)
    assert services.reply_sign_off(actor=deputy, proposal=proposal).signed_off_by == deputy
    assert unit_user(ctx.unit, Role.SIGNER).organization == ctx.unit


def test_the_rehandling_months_setting(ctx, settings, set_today):
    settings.PROPOSALS = {**settings.PROPOSALS, "REHANDLING_MONTHS": 4}
    set_today(datetime.date(2026, 12, 6))
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 12, 6))
    ctx.course.reply(proposal, ctx.unit)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied")
    assert refreshed(proposal).due_date == add_months(datetime.date(2026, 12, 6), 4)
