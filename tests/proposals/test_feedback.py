"""The proposal workflow services' data rules after the reply: feedback, rehandling rounds and closing, and the
feedback on merged proposals."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from common.dates import add_months
from common.exceptions import WorkflowError
from proposals import services
from proposals.choices import ProposalMove, ProposalStatus, Satisfaction

from ..factories import ProposalFactory, issue_reply
from .course import db_state, standard, today

pytestmark = pytest.mark.django_db

S = ProposalStatus


# --- Feedback, rehandling and closing -------------------------------------------------------------------------------


def test_satisfied_feedback_from_the_lead_proposer_closes(ctx, proposal):
    proposal = ctx.course.bring(proposal, S.REPLIED, lead=ctx.unit)
    given_on = today() - datetime.timedelta(days=1)
    feedback = services.proposal_feedback(
        actor=ctx.committee,
        proposal=proposal,
        satisfaction="basically_satisfied",
        comment=" 希望加快 ",
        given_on=given_on,
    )
    feedback.refresh_from_db()
    assert (feedback.proposal, feedback.proposer.name, feedback.round, feedback.satisfaction) == (
        proposal,
        "储建华",
        1,
        Satisfaction.BASICALLY_SATISFIED,
    )
    assert (feedback.comment, feedback.given_on, feedback.recorded_by) == ("希望加快", given_on, ctx.committee)
    proposal.refresh_from_db()
    assert proposal.status == S.CLOSED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.FEEDBACK,
        ctx.committee,
        S.REPLIED,
        S.CLOSED,
    )
    assert event.note.startswith("储建华") and "希望加快" in event.note


def test_feedback_of_a_co_signer_is_kept_but_does_not_close(ctx, proposal):
    proposal = ctx.course.bring(proposal, S.REPLIED, lead=ctx.unit)
    co_signer = proposal.ordered_signatures[1].proposer
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="satisfied", proposer=co_signer)
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    assert proposal.events.latest("pk").to_status == S.REPLIED
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == S.CLOSED
    assert proposal.feedbacks.count() == 2


def test_unsatisfied_feedback_sends_the_proposal_back(ctx):
    proposal = standard(ctx, S.REPLIED, assigned_on=add_months(today(), -2))
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied", comment="答复空泛")
    proposal.refresh_from_db()
    new_due = add_months(today(), 2)  # later than the first round's, a month from now
    assert (proposal.status, proposal.round, proposal.due_date) == (S.REHANDLING, 2, new_due)
    assert proposal.assignments.get(unit=ctx.unit).due_date == new_due
    event = proposal.events.latest("pk")
    assert (event.move, event.from_status, event.to_status) == (ProposalMove.FEEDBACK, S.REPLIED, S.REHANDLING)
    assert new_due.isoformat() in event.note and "答复空泛" in event.note
    assert proposal.feedbacks.get().satisfaction == Satisfaction.UNSATISFIED


def test_rehandling_due_date_follows_the_settings_or_is_given(ctx, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "REHANDLING_MONTHS": 1}
    first = standard(ctx, S.REHANDLING, assigned_on=add_months(today(), -3))
    assert first.due_date == add_months(today(), 1)
    second = standard(ctx, S.REPLIED, assigned_on=add_months(today(), -3))
    given = today() + datetime.timedelta(days=45)
    services.proposal_feedback(actor=ctx.committee, proposal=second, satisfaction="unsatisfied", due_date=given)
    second.refresh_from_db()
    assert second.due_date == given
    assert second.assignments.get(unit=ctx.unit).due_date == given


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"satisfaction": "unsatisfied", "due_date": -1}, "due_date", id="rehandling-due-in-the-past"),
        pytest.param({"satisfaction": "unsatisfied", "due_date": 200}, "due_date", id="rehandling-beyond-6-months"),
        pytest.param({"satisfaction": "satisfied", "due_date": 30}, "due_date", id="due-date-when-satisfied"),
        pytest.param({"satisfaction": "satisfied", "given_on": 1}, "given_on", id="dated-in-the-future"),
        pytest.param({"satisfaction": "happy"}, "satisfaction", id="unknown-verdict"),
    ],
)
def test_feedback_rules(ctx, kwargs, field):
    proposal = standard(ctx, S.REPLIED)
    kwargs = {
        key: today() + datetime.timedelta(days=value) if isinstance(value, int) else value
        for key, value in kwargs.items()
    }
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_feedback(actor=ctx.committee, proposal=proposal, **kwargs)
    assert field in raised.value.message_dict
    assert db_state() == before


def test_feedback_only_from_the_proposers(ctx, proposal):
    proposal = ctx.course.bring(proposal, S.REPLIED, lead=ctx.unit)
    stranger = ProposalFactory(proposers=["路人甲"]).lead_proposer
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="satisfied", proposer=stranger)
    assert "proposer" in raised.value.message_dict
    assert db_state() == before


def test_a_proposer_gives_feedback_once_a_round(ctx, proposal):
    proposal = ctx.course.bring(proposal, S.REPLIED, lead=ctx.unit)
    co_signer = proposal.ordered_signatures[1].proposer
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="satisfied", proposer=co_signer)
    before = db_state()
    with pytest.raises(WorkflowError):
        services.proposal_feedback(
            actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied", proposer=co_signer
        )
    assert db_state() == before


def test_second_round(ctx):
    proposal = standard(ctx, S.REHANDLING)
    services.proposal_opinion(actor=ctx.co_liaison, proposal=proposal, opinion="补充意见")
    reply = issue_reply(proposal, ctx.unit, liaison=ctx.liaison, signer=ctx.signer, text="重新答复")
    assert reply.round == 2
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    assert list(proposal.replies.values_list("unit", "round")) == [(ctx.unit.pk, 1), (ctx.unit.pk, 2)]
    event = proposal.events.latest("pk")
    assert (event.from_status, event.to_status) == (S.REHANDLING, S.REPLIED)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="unsatisfied")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == (S.REHANDLING, 3)
    ctx.course.reply_all(proposal)
    services.proposal_feedback(actor=ctx.committee, proposal=proposal, satisfaction="satisfied")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == (S.CLOSED, 3)
    assert list(proposal.feedbacks.values_list("round", "satisfaction")) == [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
        (3, "satisfied"),
    ]


def test_rehandling_is_not_an_extension(ctx):
    proposal = standard(ctx, S.REHANDLING)
    assignment = proposal.assignments.get(unit=ctx.unit)
    assert not assignment.is_extended


def test_close_without_feedback(ctx):
    proposal = standard(ctx, S.REPLIED)
    services.proposal_close(actor=ctx.committee, proposal=proposal, note="提案人逾期未反馈")
    proposal.refresh_from_db()
    assert proposal.status == S.CLOSED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status, event.note) == (
        ProposalMove.CLOSE,
        ctx.committee,
        S.REPLIED,
        S.CLOSED,
        "提案人逾期未反馈",
    )
    assert not proposal.feedbacks.exists()


# --- Merged proposals and feedback ----------------------------------------------------------------------------------


@pytest.fixture
def merged_pair(ctx):
    """A main proposal (lead proposer 储建华) replied by ``unit``, with another (lead proposer 民革区委会)
    merged into it before assignment."""
    main = ctx.course.bring(ProposalFactory(proposers=["储建华", "吴建娣"]), S.FILED)
    merged = ProposalFactory(proposers=["民革区委会", "张明"])
    services.proposal_merge(actor=ctx.committee, proposal=merged, into=main)
    services.proposal_assign(actor=ctx.committee, proposal=main, lead_unit=ctx.unit)
    ctx.course.reply_all(main)
    main.refresh_from_db()
    merged.refresh_from_db()
    assert (main.status, merged.status) == (S.REPLIED, S.MERGED)
    return main, merged


def test_feedback_parties_are_the_lead_proposers(merged_pair):
    main, _ = merged_pair
    assert [proposer.name for proposer in services.feedback_parties(main)] == ["储建华", "民革区委会"]


def test_feedback_on_a_merged_proposal_counts_for_the_main_one(ctx, merged_pair):
    main, merged = merged_pair
    feedback = services.proposal_feedback(actor=ctx.committee, proposal=merged, satisfaction="satisfied")
    assert (feedback.proposal, feedback.proposer.name, feedback.round) == (main, "民革区委会", 1)
    main.refresh_from_db()
    merged.refresh_from_db()
    assert (main.status, merged.status) == (S.REPLIED, S.MERGED)
    event = main.events.latest("pk")
    assert (event.move, event.from_status, event.to_status) == (ProposalMove.FEEDBACK, S.REPLIED, S.REPLIED)
    services.proposal_feedback(actor=ctx.committee, proposal=main, satisfaction="basically_satisfied")
    main.refresh_from_db()
    assert main.status == S.CLOSED
    assert sorted(main.feedbacks.values_list("proposer__name", flat=True)) == sorted(["储建华", "民革区委会"])
    assert not merged.feedbacks.exists()


def test_main_lead_first_then_merged_lead_closes(ctx, merged_pair):
    main, _ = merged_pair
    services.proposal_feedback(actor=ctx.committee, proposal=main, satisfaction="satisfied")
    main.refresh_from_db()
    assert main.status == S.REPLIED
    # Without a proposer named, the next lead proposer still owing feedback is taken.
    feedback = services.proposal_feedback(actor=ctx.committee, proposal=main, satisfaction="satisfied")
    assert feedback.proposer.name == "民革区委会"
    main.refresh_from_db()
    assert main.status == S.CLOSED


@pytest.mark.parametrize("unsatisfied", ["main", "merged"])
def test_unsatisfied_from_either_lead_proposer_sends_it_back(ctx, merged_pair, unsatisfied):
    main, merged = merged_pair
    satisfied = merged if unsatisfied == "main" else main
    services.proposal_feedback(actor=ctx.committee, proposal=satisfied, satisfaction="satisfied")
    services.proposal_feedback(
        actor=ctx.committee, proposal=main if unsatisfied == "main" else merged, satisfaction="unsatisfied"
    )
    main.refresh_from_db()
    assert (main.status, main.round) == (S.REHANDLING, 2)
    # In the new round both lead proposers must be satisfied again.
    ctx.course.reply_all(main)
    services.proposal_feedback(actor=ctx.committee, proposal=main, satisfaction="satisfied")
    main.refresh_from_db()
    assert main.status == S.REPLIED
    services.proposal_feedback(actor=ctx.committee, proposal=merged, satisfaction="satisfied")
    main.refresh_from_db()
    assert main.status == S.CLOSED


def test_feedback_on_a_merged_proposal_before_the_main_one_is_replied(ctx):
    main = ctx.course.bring(ProposalFactory(), S.FILED)
    merged = ProposalFactory()
    services.proposal_merge(actor=ctx.committee, proposal=merged, into=main)
    before = db_state()
    with pytest.raises(WorkflowError):
        services.proposal_feedback(actor=ctx.committee, proposal=merged, satisfaction="satisfied")
    assert db_state() == before
