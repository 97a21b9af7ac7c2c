"""The proposal workflow services on a real database, as a table: every allowed move and the step it records,
every move refused in a wrong status or by a wrong role (writing nothing), and the moves a page offers.

``Course`` (``course.py``) walks a proposal to any status through the services themselves. Each move's own data rules
are in ``test_filing_and_assignment`` and ``test_feedback``; the replies' (drafting, sign-off, 代录, publication,
dates) in ``test_replies``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from common.exceptions import ActionForbidden, WorkflowError
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, ProposalStatus
from proposals.models import Proposal
from proposals.steps import STEPS

from ..factories import ProposalFactory
from .course import db_state, standard, today

pytestmark = pytest.mark.django_db

S = ProposalStatus
LEAD = AssignmentRole.LEAD


# --- The moves, as data -------------------------------------------------------------------------------------------
# Each ``prepare`` does what must exist before the move (a proposal to merge into, the assignment to extend) and
# returns the move itself, a function of the actor.


def _file(ctx, proposal):
    return lambda actor: services.proposal_file(actor=actor, proposal=proposal, note="符合立案条件")


def _not_file(ctx, proposal):
    return lambda actor: services.proposal_not_file(actor=actor, proposal=proposal, reason="不属于提案范围")


def _merge(ctx, proposal):
    into = ctx.course.bring(ProposalFactory(session=proposal.session), S.FILED)
    return lambda actor: services.proposal_merge(actor=actor, proposal=proposal, into=into)


def _assign(ctx, proposal):
    return lambda actor: services.proposal_assign(actor=actor, proposal=proposal, lead_unit=ctx.unit)


def _request_reassign(ctx, proposal):
    return lambda actor, unit=None: services.proposal_request_reassign(
        actor=actor, proposal=proposal, reason="职责不符", unit=unit
    )


def _opinion(ctx, proposal):
    return lambda actor, unit=None: services.proposal_opinion(
        actor=actor, proposal=proposal, opinion="建议统筹数据共享", unit=unit
    )


def _extend(ctx, proposal):
    assignment = proposal.assignments.get(role=LEAD)
    due_date = assignment.due_date + datetime.timedelta(days=10)
    return lambda actor: services.assignment_extend(
        actor=actor, assignment=assignment, due_date=due_date, reason="需协调多个部门"
    )


def _draft_reply(ctx, proposal):
    return lambda actor, unit=None: services.reply_save_draft(
        actor=actor, proposal=proposal, text="已列入明年计划", result_class=ctx.course.result_class, unit=unit
    )


def _with_draft(ctx, proposal):
    """The lead unit's liaison has drafted its reply, where the status lets it."""
    if proposal.status in (S.ASSIGNED, S.REHANDLING):
        _draft_reply(ctx, proposal)(ctx.liaison)


def _sign_off(ctx, proposal):
    _with_draft(ctx, proposal)
    return lambda actor, unit=None: services.reply_sign_off(actor=actor, proposal=proposal, unit=unit)


def _return_reply(ctx, proposal):
    _with_draft(ctx, proposal)
    return lambda actor, unit=None: services.reply_return(
        actor=actor, proposal=proposal, note="请补充资金来源", unit=unit
    )


def _record_reply(ctx, proposal):
    return lambda actor: services.reply_record(
        actor=actor,
        proposal=proposal,
        unit=ctx.unit,
        text="书面答复",
        result_class=ctx.course.result_class,
        signed_off_on=today(),
    )


def _feedback(ctx, proposal):
    return lambda actor: services.proposal_feedback(actor=actor, proposal=proposal, satisfaction="satisfied")


def _close(ctx, proposal):
    return lambda actor: services.proposal_close(actor=actor, proposal=proposal)


@dataclass(frozen=True)
class Move:
    prepare: Callable
    actor: str  # who may make it on the standard proposal
    allowed: dict[str, str]  # from status → to status
    needs_units: bool = False  # acts on an assignment, so only exists once the proposal is assigned


MOVES = {
    ProposalMove.FILE: Move(_file, "committee", {S.SUBMITTED: S.FILED}),
    ProposalMove.NOT_FILE: Move(_not_file, "committee", {S.SUBMITTED: S.NOT_FILED}),
    ProposalMove.MERGE: Move(_merge, "committee", {S.SUBMITTED: S.MERGED}),
    ProposalMove.ASSIGN: Move(_assign, "committee", {S.FILED: S.ASSIGNED, S.REASSIGN_REQUESTED: S.ASSIGNED}),
    ProposalMove.REQUEST_REASSIGN: Move(
        _request_reassign, "liaison", {S.ASSIGNED: S.REASSIGN_REQUESTED}, needs_units=True
    ),
    ProposalMove.OPINION: Move(
        _opinion, "co_liaison", {S.ASSIGNED: S.ASSIGNED, S.REHANDLING: S.REHANDLING}, needs_units=True
    ),
    ProposalMove.EXTEND: Move(
        _extend,
        "committee",
        {S.ASSIGNED: S.ASSIGNED, S.REASSIGN_REQUESTED: S.REASSIGN_REQUESTED, S.REHANDLING: S.REHANDLING},
        needs_units=True,
    ),
    ProposalMove.DRAFT_REPLY: Move(
        _draft_reply, "liaison", {S.ASSIGNED: S.ASSIGNED, S.REHANDLING: S.REHANDLING}, needs_units=True
    ),
    ProposalMove.REPLY: Move(_sign_off, "signer", {S.ASSIGNED: S.REPLIED, S.REHANDLING: S.REPLIED}, needs_units=True),
    ProposalMove.RETURN_REPLY: Move(
        _return_reply, "signer", {S.ASSIGNED: S.ASSIGNED, S.REHANDLING: S.REHANDLING}, needs_units=True
    ),
    ProposalMove.RECORD_REPLY: Move(
        _record_reply, "committee", {S.ASSIGNED: S.REPLIED, S.REHANDLING: S.REPLIED}, needs_units=True
    ),
    ProposalMove.FEEDBACK: Move(_feedback, "committee", {S.REPLIED: S.CLOSED}),
    ProposalMove.CLOSE: Move(_close, "committee", {S.REPLIED: S.CLOSED}),
}
WITH_UNITS = [S.ASSIGNED, S.REASSIGN_REQUESTED, S.REPLIED, S.REHANDLING, S.CLOSED]
ALLOWED = [(name, status) for name, move in MOVES.items() for status in move.allowed]
REFUSED = [
    (name, status)
    for name, move in MOVES.items()
    for status in S.values
    if status not in move.allowed and (status in WITH_UNITS or not move.needs_units)
]
COMMITTEE_MOVES = [name for name, move in MOVES.items() if move.actor == "committee"]
UNIT_MOVES = [name for name, move in MOVES.items() if move.actor != "committee"]


def test_the_tables_cover_every_move_and_status():
    # Publishing and withdrawing a reply are steps on a reply, not on the proposal (``test_replies``).
    not_moves = {ProposalMove.SUBMIT, ProposalMove.PUBLISH_REPLY, ProposalMove.WITHDRAW_REPLY}
    assert set(MOVES) == set(ProposalMove.values) - not_moves
    assert set(MOVES) == set(STEPS)
    for status in S.terminal():
        assert not [name for name, move in MOVES.items() if status in move.allowed]
        applicable = {name for name, move in MOVES.items() if status in WITH_UNITS or not move.needs_units}
        assert {name for name, refused_status in REFUSED if refused_status == status} == applicable


@pytest.mark.parametrize(("name", "status"), ALLOWED)
def test_allowed_move_records_the_step(ctx, name, status):
    proposal = standard(ctx, status)
    move = MOVES[name]
    actor = getattr(ctx, move.actor)
    run = move.prepare(ctx, proposal)
    events_before = proposal.events.count()
    run(actor)
    proposal.refresh_from_db()
    assert proposal.status == move.allowed[status]
    assert proposal.events.count() == events_before + 1
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (name, actor, status, proposal.status)


@pytest.mark.parametrize(("name", "status"), REFUSED)
def test_move_in_a_wrong_status_is_refused_and_writes_nothing(ctx, name, status):
    proposal = standard(ctx, status)
    move = MOVES[name]
    run = move.prepare(ctx, proposal)
    before = db_state()
    with pytest.raises(WorkflowError):
        run(getattr(ctx, move.actor))
    assert db_state() == before


@pytest.mark.parametrize("status", [S.SUBMITTED, S.FILED, S.NOT_FILED, S.MERGED])
@pytest.mark.parametrize("name", UNIT_MOVES)
def test_unit_moves_before_assignment_are_forbidden(ctx, name, status):
    proposal = standard(ctx, status)
    move = MOVES[name]
    run = move.prepare(ctx, proposal)
    before = db_state()
    with pytest.raises(ActionForbidden):
        run(getattr(ctx, move.actor))
    assert db_state() == before


class Rollback(Exception):
    pass


def succeeds(run, actor, **kwargs) -> bool:
    """Whether the move goes through; it is rolled back either way."""
    try:
        with transaction.atomic():
            run(actor, **kwargs)
            raise Rollback
    except Rollback:
        return True
    except (ActionForbidden, WorkflowError, ValidationError):
        return False


@pytest.mark.parametrize("status", S.values)
def test_the_moves_offered_are_the_moves_the_services_allow(ctx, status):
    proposal = standard(ctx, status)
    for with_draft in (False, True):
        runs = {}
        for name, move in MOVES.items():
            if name == ProposalMove.EXTEND and status not in WITH_UNITS:
                continue  # no assignment to extend
            if name in (ProposalMove.REPLY, ProposalMove.RETURN_REPLY) and not with_draft:
                continue  # preparing them drafts the reply: the second pass
            runs[name] = move.prepare(ctx, proposal)
        for who in ("committee", "office", "leader", "liaison", "signer", "co_liaison", "other_liaison"):
            actor = getattr(ctx, who)
            prefetched = Proposal.objects.prefetch_related("assignments", "replies").get(pk=proposal.pk)
            offered = set(services.available_moves(actor, prefetched))
            allowed = {name for name, run in runs.items() if succeeds(run, actor)}
            assert offered == allowed, (who, with_draft)


# --- Roles ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "liaison", "signer", "co_liaison", "office"])
@pytest.mark.parametrize("name", COMMITTEE_MOVES)
def test_committee_moves_by_anyone_else_are_forbidden(ctx, name, who):
    move = MOVES[name]
    proposal = standard(ctx, next(iter(move.allowed)))
    run = move.prepare(ctx, proposal)
    before = db_state()
    with pytest.raises(ActionForbidden):
        run(getattr(ctx, who))
    assert db_state() == before


@pytest.mark.parametrize("who", ["leader", "committee", "other_liaison", "other_signer", "office"])
@pytest.mark.parametrize("name", UNIT_MOVES)
def test_unit_moves_by_anyone_but_the_unit_are_forbidden(ctx, name, who):
    move = MOVES[name]
    proposal = standard(ctx, next(iter(move.allowed)))
    run = move.prepare(ctx, proposal)
    before = db_state()
    with pytest.raises(ActionForbidden):
        run(getattr(ctx, who))
    assert db_state() == before


def test_a_liaison_cannot_act_for_another_unit(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ActionForbidden):
        services.reply_save_draft(
            actor=ctx.other_liaison, proposal=proposal, unit=ctx.unit, text="代答", result_class=ctx.course.result_class
        )
    with pytest.raises(ActionForbidden):
        services.proposal_request_reassign(actor=ctx.other_liaison, proposal=proposal, unit=ctx.unit, reason="代申请")
    with pytest.raises(ActionForbidden):
        services.proposal_opinion(actor=ctx.liaison, proposal=proposal, unit=ctx.co_unit, opinion="代发意见")
    assert db_state() == before


@pytest.mark.parametrize("named", ["unit", "co_unit", None])
def test_office_staff_no_longer_act_for_units(ctx, named):
    """Office staff of the smart-city office lost the reply permission: no draft, sign-off, opinion or request for
    any unit, named or not (the committee records a paper reply instead)."""
    proposal = standard(ctx, S.ASSIGNED)
    unit = getattr(ctx, named) if named else None
    before = db_state()
    letter = {"text": "办理情况", "result_class": ctx.course.result_class}
    for attempt in (
        lambda: services.reply_save_draft(actor=ctx.office, proposal=proposal, unit=unit, **letter),
        lambda: services.reply_sign_off(actor=ctx.office, proposal=proposal, unit=unit),
        lambda: services.proposal_opinion(actor=ctx.office, proposal=proposal, unit=unit, opinion="同意"),
        lambda: services.proposal_request_reassign(actor=ctx.office, proposal=proposal, unit=unit, reason="不属于"),
    ):
        with pytest.raises(ActionForbidden):
            attempt()
    assert db_state() == before
    assert not ctx.office.has_perm("proposals.reply_proposal")
