"""The proposal workflow services' data rules up to the reply: filing, not filing and merging; assignment, due
dates and re-assignment; the co-handling units' opinions; extensions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, ProposalStatus

from ..factories import ProposalFactory, SessionFactory, issue_reply
from .course import Course, db_state, standard, today

pytestmark = pytest.mark.django_db

S = ProposalStatus
LEAD, CO, SEPARATE = AssignmentRole.LEAD, AssignmentRole.CO, AssignmentRole.SEPARATE


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
