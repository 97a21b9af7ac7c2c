"""The proposal workflow services on a real database: every allowed move and what it writes, every move refused in
a wrong status or by a wrong role (writing nothing), and the data rules of each move.

``Course`` walks a proposal to any status through the services themselves; ``test_rules`` and ``test_concurrency``
reuse it. The replies' own rules (drafting, sign-off, 代录, publication, dates) are in ``test_replies``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, ProposalStatus, Satisfaction
from proposals.models import Proposal
from proposals.steps import STEPS

from ..factories import ProposalFactory, SessionFactory, issue_reply
from .course import Course, db_state, standard, today

pytestmark = pytest.mark.django_db

S = ProposalStatus
LEAD, CO, SEPARATE = AssignmentRole.LEAD, AssignmentRole.CO, AssignmentRole.SEPARATE


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


# --- Filing, not filing, merging ----------------------------------------------------------------------------------


def test_file(ctx, proposal):
    services.proposal_file(actor=ctx.committee, proposal=proposal, note="  符合立案条件 ")
    proposal.refresh_from_db()
    assert proposal.status == S.FILED
    event = proposal.events.get()
    assert (event.move, event.actor, event.from_status, event.to_status, event.note) == (
        ProposalMove.FILE,
        ctx.committee,
        S.SUBMITTED,
        S.FILED,
        "符合立案条件",
    )
    assert proposal.history.latest().history_user == ctx.committee


def test_not_file_keeps_the_reason(ctx, proposal):
    services.proposal_not_file(actor=ctx.committee, proposal=proposal, reason=" 属于个人诉求 ")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.not_filed_reason) == (S.NOT_FILED, "属于个人诉求")
    event = proposal.events.get()
    assert (event.move, event.from_status, event.to_status, event.note) == (
        ProposalMove.NOT_FILE,
        S.SUBMITTED,
        S.NOT_FILED,
        "属于个人诉求",
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_not_file_needs_a_reason(ctx, proposal, reason):
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_not_file(actor=ctx.committee, proposal=proposal, reason=reason)
    assert "reason" in raised.value.message_dict
    assert db_state() == before


@pytest.mark.parametrize("into_status", [S.FILED, S.ASSIGNED, S.REPLIED])
def test_merge_into_an_open_proposal(ctx, proposal, into_status):
    into = standard(ctx, into_status)
    services.proposal_merge(actor=ctx.committee, proposal=proposal, into=into, note="同一事项")
    proposal.refresh_from_db()
    into.refresh_from_db()
    assert (proposal.status, proposal.merged_into, proposal.handling_proposal) == (S.MERGED, into, into)
    assert into.status == into_status
    assert list(into.merged_proposals.all()) == [proposal]
    event = proposal.events.get()
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.MERGE,
        ctx.committee,
        S.SUBMITTED,
        S.MERGED,
    )
    assert into.number in event.note and "同一事项" in event.note
    into_event = into.events.latest("pk")
    assert (into_event.move, into_event.from_status, into_event.to_status) == (
        ProposalMove.MERGE,
        into_status,
        into_status,
    )
    assert proposal.number in into_event.note


@pytest.mark.parametrize("into_status", [S.SUBMITTED, S.NOT_FILED, S.MERGED, S.CLOSED])
def test_merge_only_into_a_filed_open_proposal(ctx, proposal, into_status):
    into = standard(ctx, into_status)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_merge(actor=ctx.committee, proposal=proposal, into=into)
    assert "into" in raised.value.message_dict
    assert db_state() == before


def test_merge_not_into_itself_nor_across_sessions(ctx, proposal):
    elsewhere = ctx.course.bring(ProposalFactory(session=SessionFactory(name="十五届三次", year=2025)), S.FILED)
    before = db_state()
    for into in (proposal, elsewhere):
        with pytest.raises(ValidationError):
            services.proposal_merge(actor=ctx.committee, proposal=proposal, into=into)
    assert db_state() == before


# --- Assignment and re-assignment -----------------------------------------------------------------------------------


def test_assign_to_a_lead_unit_with_co_units(ctx):
    proposal = standard(ctx, S.FILED)
    assigned_on = datetime.date(2026, 2, 10)
    services.proposal_assign(
        actor=ctx.committee,
        proposal=proposal,
        lead_unit=ctx.unit,
        co_units=[ctx.co_unit, ctx.other_unit, ctx.co_unit],
        assigned_on=assigned_on,
        note="重点提案",
    )
    proposal.refresh_from_db()
    due = datetime.date(2026, 5, 10)
    assert (proposal.status, proposal.due_date) == (S.ASSIGNED, due)
    assert sorted(proposal.assignments.values_list("unit__short_name", "role", "assigned_on", "due_date")) == sorted(
        [
            ("区经信局", LEAD, assigned_on, due),
            ("区住建局", CO, assigned_on, due),
            ("区水利局", CO, assigned_on, due),
        ]
    )
    assert all(assignment.original_due_date == due for assignment in proposal.assignments.all())
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.ASSIGN,
        ctx.committee,
        S.FILED,
        S.ASSIGNED,
    )
    for text in ("区经信局", "区住建局", "区水利局", "2026-05-10", "重点提案"):
        assert text in event.note


def test_assign_to_separate_units(ctx):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.other_unit])
    assert set(proposal.assignments.values_list("unit", "role")) == {
        (ctx.unit.pk, SEPARATE),
        (ctx.other_unit.pk, SEPARATE),
    }
    assert proposal.due_date == add_months(today(), 3)


def test_default_due_date_is_three_months_after_assignment(ctx):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2025, 11, 30))
    assert proposal.due_date == datetime.date(2026, 2, 28)
    assert set(proposal.assignments.values_list("due_date", flat=True)) == {datetime.date(2026, 2, 28)}


def test_default_due_date_follows_the_settings(ctx, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "REPLY_MONTHS": 1}
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 3, 15))
    assert proposal.due_date == datetime.date(2026, 4, 15)


def test_due_date_may_be_given_up_to_six_months(ctx):
    proposal = standard(ctx, S.ASSIGNED, assigned_on=datetime.date(2026, 3, 15), due_date=datetime.date(2026, 9, 15))
    assert proposal.due_date == datetime.date(2026, 9, 15)


@pytest.mark.parametrize("due_date", [datetime.date(2026, 3, 14), datetime.date(2026, 9, 16)])
def test_due_date_before_assignment_or_beyond_six_months_is_refused(ctx, due_date):
    proposal = standard(ctx, S.FILED)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.proposal_assign(
            actor=ctx.committee,
            proposal=proposal,
            lead_unit=ctx.unit,
            assigned_on=datetime.date(2026, 3, 15),
            due_date=due_date,
        )
    assert "due_date" in raised.value.message_dict
    assert db_state() == before


def test_max_months_follow_the_settings(ctx, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "MAX_MONTHS": 4}
    proposal = standard(ctx, S.FILED)
    with pytest.raises(ValidationError):
        services.proposal_assign(
            actor=ctx.committee,
            proposal=proposal,
            lead_unit=ctx.unit,
            assigned_on=datetime.date(2026, 3, 15),
            due_date=datetime.date(2026, 7, 16),
        )


@pytest.mark.parametrize(
    "units",
    [
        pytest.param({}, id="nobody"),
        pytest.param({"co_units": ["co_unit"]}, id="co-without-lead"),
        pytest.param({"lead_unit": "unit", "co_units": ["unit"]}, id="lead-also-co"),
        pytest.param({"lead_unit": "unit", "separate_units": ["unit"]}, id="lead-also-separate"),
        pytest.param(
            {"co_units": ["co_unit"], "separate_units": ["co_unit"], "lead_unit": "unit"}, id="co-and-separate"
        ),
    ],
)
def test_unit_conflicts_are_refused(ctx, units):
    proposal = standard(ctx, S.FILED)
    kwargs = {
        key: [getattr(ctx, name) for name in value] if isinstance(value, list) else getattr(ctx, value)
        for key, value in units.items()
    }
    before = db_state()
    with pytest.raises(ValidationError):
        services.proposal_assign(actor=ctx.committee, proposal=proposal, **kwargs)
    assert db_state() == before


def test_request_reassign_records_the_units_reason(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    services.proposal_request_reassign(actor=ctx.liaison, proposal=proposal, reason=" 该事项属水利局职责 ")
    proposal.refresh_from_db()
    assert proposal.status == S.REASSIGN_REQUESTED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status, event.note) == (
        ProposalMove.REQUEST_REASSIGN,
        ctx.liaison,
        S.ASSIGNED,
        S.REASSIGN_REQUESTED,
        "区经信局: 该事项属水利局职责",
    )


def test_a_co_unit_may_ask_for_reassignment_too(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    services.proposal_request_reassign(actor=ctx.co_liaison, proposal=proposal, reason="非本单位职责")
    assert proposal.events.latest("pk").note.startswith("区住建局")


@pytest.mark.parametrize("reason", ["", "  "])
def test_request_reassign_needs_a_reason(ctx, reason):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ValidationError):
        services.proposal_request_reassign(actor=ctx.liaison, proposal=proposal, reason=reason)
    assert db_state() == before


def test_reassignment_replaces_the_units(ctx):
    old_day = today() - datetime.timedelta(days=5)
    proposal = standard(ctx, S.REASSIGN_REQUESTED, assigned_on=old_day)
    kept = proposal.assignments.get(unit=ctx.co_unit)
    services.proposal_assign(
        actor=ctx.committee, proposal=proposal, lead_unit=ctx.co_unit, co_units=[ctx.other_unit], note="调整交办"
    )
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    assignments = {assignment.unit: assignment for assignment in proposal.assignments.all()}
    assert set(assignments) == {ctx.co_unit, ctx.other_unit}
    lead = assignments[ctx.co_unit]
    # Its new role is a new assignment for the unit: the time limit runs from today, not from the first assignment.
    assert (lead.pk, lead.role, lead.assigned_on) == (kept.pk, LEAD, today())
    assert lead.due_date == lead.original_due_date == services.default_due_date(today()) > kept.due_date
    assert (assignments[ctx.other_unit].role, assignments[ctx.other_unit].assigned_on) == (CO, today())
    assert proposal.due_date == lead.due_date
    event = proposal.events.latest("pk")
    assert (event.move, event.from_status, event.to_status) == (ProposalMove.ASSIGN, S.REASSIGN_REQUESTED, S.ASSIGNED)
    assert "区经信局" in event.note.splitlines()[-2]  # no longer assigned
    # The unit that left may no longer act on the proposal.
    with pytest.raises(ActionForbidden):
        services.reply_save_draft(
            actor=ctx.liaison, proposal=proposal, text="答复", result_class=ctx.course.result_class
        )


def test_a_kept_unit_keeps_its_reply_after_reassignment(ctx, class_b):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.co_unit])
    ctx.course.reply(proposal, ctx.unit)
    services.proposal_request_reassign(actor=ctx.co_liaison, proposal=proposal, reason="非本单位职责")
    services.proposal_assign(actor=ctx.committee, proposal=proposal, separate_units=[ctx.unit, ctx.other_unit])
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    assert Course.owing(proposal) == [ctx.other_unit]
    issue_reply(proposal, ctx.other_unit, liaison=ctx.other_liaison, text="答复", result_class=class_b)
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED


def test_no_reply_while_reassignment_is_requested(ctx):
    proposal = standard(ctx, S.REASSIGN_REQUESTED)
    before = db_state()
    with pytest.raises(WorkflowError):
        services.reply_save_draft(
            actor=ctx.liaison, proposal=proposal, text="答复", result_class=ctx.course.result_class
        )
    with pytest.raises(WorkflowError):
        services.reply_sign_off(actor=ctx.signer, proposal=proposal)
    assert db_state() == before


# --- Co-handling opinion ------------------------------------------------------------------------------------------


def test_opinion_is_kept_on_the_co_units_assignment(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    services.proposal_opinion(actor=ctx.co_liaison, proposal=proposal, opinion=" 建议与住建部门共建管网数据 ")
    assignment = proposal.assignments.get(unit=ctx.co_unit)
    assert (assignment.opinion, assignment.opinion_on) == ("建议与住建部门共建管网数据", today())
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status, event.note) == (
        ProposalMove.OPINION,
        ctx.co_liaison,
        S.ASSIGNED,
        S.ASSIGNED,
        "区住建局: 建议与住建部门共建管网数据",
    )


def test_opinion_needs_text_and_only_comes_from_co_units(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    before = db_state()
    with pytest.raises(ValidationError):
        services.proposal_opinion(actor=ctx.co_liaison, proposal=proposal, opinion="  ")
    with pytest.raises(ValidationError):
        services.proposal_opinion(actor=ctx.liaison, proposal=proposal, opinion="主办单位的意见")
    assert db_state() == before


# --- Extension ------------------------------------------------------------------------------------------------------


def test_extension_moves_the_due_date_and_keeps_the_reason(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    assignment = proposal.assignments.get(unit=ctx.unit)
    original = assignment.due_date
    later = original + datetime.timedelta(days=30)
    services.assignment_extend(actor=ctx.committee, assignment=assignment, due_date=later, reason=" 需多部门协调 ")
    assignment.refresh_from_db()
    proposal.refresh_from_db()
    assert (assignment.due_date, assignment.original_due_date, assignment.extension_reason) == (
        later,
        original,
        "需多部门协调",
    )
    assert assignment.is_extended
    assert proposal.due_date == later
    assert proposal.assignments.get(unit=ctx.co_unit).due_date == original
    event = proposal.events.latest("pk")
    assert (event.move, event.actor, event.from_status, event.to_status) == (
        ProposalMove.EXTEND,
        ctx.committee,
        S.ASSIGNED,
        S.ASSIGNED,
    )
    for text in ("区经信局", original.isoformat(), later.isoformat(), "需多部门协调"):
        assert text in event.note


def test_extending_a_co_unit_moves_its_opinion_due_date_only(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    assignment = proposal.assignments.get(unit=ctx.co_unit)
    opinion_due = assignment.opinion_due_date
    services.assignment_extend(
        actor=ctx.committee, assignment=assignment, due_date=opinion_due + datetime.timedelta(days=9), reason="x"
    )
    due = proposal.due_date
    proposal.refresh_from_db()
    assert proposal.due_date == due
    assignment.refresh_from_db()
    assert (assignment.opinion_due_date, assignment.due_date) == (opinion_due + datetime.timedelta(days=9), due)
    # Not past the lead unit's reply, which the opinion feeds.
    with pytest.raises(ValidationError):
        services.assignment_extend(
            actor=ctx.committee, assignment=assignment, due_date=due + datetime.timedelta(days=1), reason="x"
        )


def test_proposal_due_date_is_the_latest_of_its_replying_units(ctx):
    proposal = ctx.course.bring(ProposalFactory(), S.ASSIGNED, separate=[ctx.unit, ctx.other_unit])
    first, second = proposal.assignments.order_by("unit__name")
    services.assignment_extend(
        actor=ctx.committee, assignment=first, due_date=first.due_date + datetime.timedelta(days=20), reason="延期"
    )
    services.assignment_extend(
        actor=ctx.committee, assignment=second, due_date=second.due_date + datetime.timedelta(days=10), reason="延期"
    )
    proposal.refresh_from_db()
    assert proposal.due_date == first.due_date + datetime.timedelta(days=20)


@pytest.mark.parametrize(
    ("shift", "reason", "field"),
    [
        pytest.param(datetime.timedelta(days=0), "延期", "due_date", id="same-day"),
        pytest.param(datetime.timedelta(days=-1), "延期", "due_date", id="earlier"),
        pytest.param(datetime.timedelta(days=200), "延期", "due_date", id="beyond-six-months"),
        pytest.param(datetime.timedelta(days=10), " ", "reason", id="no-reason"),
    ],
)
def test_extension_rules(ctx, shift, reason, field):
    proposal = standard(ctx, S.ASSIGNED)
    assignment = proposal.assignments.get(unit=ctx.unit)
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        services.assignment_extend(
            actor=ctx.committee, assignment=assignment, due_date=assignment.due_date + shift, reason=reason
        )
    assert field in raised.value.message_dict
    assert db_state() == before


def test_extension_up_to_six_months_after_assignment(ctx):
    proposal = standard(ctx, S.ASSIGNED)
    assignment = proposal.assignments.get(unit=ctx.unit)
    services.assignment_extend(
        actor=ctx.committee, assignment=assignment, due_date=add_months(today(), 6), reason="延期"
    )
    assignment.refresh_from_db()
    assert assignment.due_date == add_months(today(), 6)


def test_extension_in_a_late_rehandling_round(ctx):
    proposal = standard(ctx, S.REHANDLING, assigned_on=add_months(today(), -5))
    assignment = proposal.assignments.get(unit=ctx.unit)
    assert assignment.due_date == add_months(today(), 2)  # already beyond assigned_on + 6 months
    later = add_months(today(), 3)
    services.assignment_extend(actor=ctx.committee, assignment=assignment, due_date=later, reason="需重新调研")
    assignment.refresh_from_db()
    assert assignment.due_date == later


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
