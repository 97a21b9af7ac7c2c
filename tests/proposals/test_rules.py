"""The derived figures of the querysets: a proposal's ``overdue`` and ``days_left``, and a unit's ``pending``,
``overdue`` and ``has_replied``, computed by the database for a given day."""

import datetime

import pytest
from django.utils import timezone

from accounts.choices import Role
from common.dates import add_months
from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, Proposal

from ..factories import ProposalFactory, unit_user

pytestmark = pytest.mark.django_db

S = ProposalStatus
DAY = datetime.timedelta(days=1)
ASSIGNED_ON = datetime.date(2026, 3, 2)
DUE = datetime.date(2026, 6, 2)  # three months later
OPINION_DUE = datetime.date(2026, 4, 2)  # a co-handling unit's opinion: one month after assignment


def figures(proposal, day):
    row = Proposal.objects.with_figures(day).get(pk=proposal.pk)
    return row.days_left, row.overdue


def state(unit, proposal, day):
    """(pending, overdue, has_replied, days_left) of a unit's assignment on ``day``."""
    row = Assignment.objects.with_state(day).get(proposal=proposal, unit=unit)
    return row.pending, row.overdue, row.has_replied, row.days_left


# --- Proposals ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.ASSIGNED, S.REASSIGN_REQUESTED, S.REHANDLING])
def test_a_proposal_owing_a_reply_counts_down_and_runs_late(course, unit, co_unit, status):
    proposal = course.bring(ProposalFactory(), status, lead=unit, co=[co_unit], assigned_on=ASSIGNED_ON)
    due = proposal.due_date
    assert due == (add_months(timezone.localdate(), 2) if status == S.REHANDLING else DUE)
    assert figures(proposal, due - 5 * DAY) == (5, False)
    assert figures(proposal, due) == (0, False)
    assert figures(proposal, due + 3 * DAY) == (-3, True)
    assert proposal not in Proposal.objects.overdue(due)
    assert proposal in Proposal.objects.overdue(due + DAY)


@pytest.mark.parametrize("status", [S.SUBMITTED, S.FILED, S.NOT_FILED, S.MERGED, S.REPLIED, S.CLOSED])
def test_a_proposal_owing_no_reply_is_never_overdue(course, unit, status):
    proposal = course.bring(ProposalFactory(), status, lead=unit, assigned_on=ASSIGNED_ON)
    assert proposal.due_date == (DUE if status in (S.REPLIED, S.CLOSED) else None)
    for day in (ASSIGNED_ON, DUE, DUE + 100 * DAY):
        assert figures(proposal, day) == (None, False)
        assert proposal not in Proposal.objects.overdue(day)


def test_overdue_lists_only_the_late_proposals_owing_a_reply(course, unit):
    late = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, assigned_on=ASSIGNED_ON)
    asked = course.bring(ProposalFactory(), S.REASSIGN_REQUESTED, lead=unit, assigned_on=ASSIGNED_ON)
    course.bring(ProposalFactory(), S.REPLIED, lead=unit, assigned_on=ASSIGNED_ON)
    course.bring(ProposalFactory(), S.CLOSED, lead=unit, assigned_on=ASSIGNED_ON)
    in_time = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, assigned_on=DUE)
    course.bring(ProposalFactory(), S.FILED)
    assert set(Proposal.objects.overdue(DUE + DAY)) == {late, asked}
    assert set(Proposal.objects.overdue(add_months(DUE, 3) + DAY)) == {late, asked, in_time}
    flagged = Proposal.objects.with_figures(DUE + DAY).filter(overdue=True)
    assert set(flagged) == {late, asked}


def test_today_is_the_default_day(course, unit):
    late = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, assigned_on=add_months(timezone.localdate(), -4))
    on_time = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit)
    assert set(Proposal.objects.overdue()) == {late}
    assert {row.pk: row.overdue for row in Proposal.objects.with_figures()} == {late.pk: True, on_time.pk: False}
    assert set(Assignment.objects.pending().filter(overdue=True).values_list("proposal", flat=True)) == {late.pk}


def test_an_extension_lifts_the_lateness(course, unit, co_unit):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, co=[co_unit], assigned_on=ASSIGNED_ON)
    services.assignment_extend(
        actor=course.committee,
        assignment=proposal.assignments.get(unit=unit),
        due_date=DUE + 30 * DAY,
        reason="需跨部门协调",
    )
    assert figures(proposal, DUE + 10 * DAY) == (20, False)
    assert state(unit, proposal, DUE + 10 * DAY) == (True, False, False, 20)
    # The co-handling unit was not extended: still late with its opinion, due a month after assignment.
    assert state(co_unit, proposal, DUE + 10 * DAY) == (True, True, False, (OPINION_DUE - DUE).days - 10)


def test_a_rehandling_round_runs_to_its_new_due_date(course, unit):
    proposal = course.bring(ProposalFactory(), S.REPLIED, lead=unit, assigned_on=ASSIGNED_ON)
    new_due = timezone.localdate() + 40 * DAY
    services.proposal_feedback(actor=course.committee, proposal=proposal, satisfaction="unsatisfied", due_date=new_due)
    assert figures(proposal, new_due) == (0, False)
    assert figures(proposal, new_due + DAY) == (-1, True)
    course.reply_all(proposal)
    assert figures(proposal, new_due + DAY) == (None, False)


# --- Units' assignments ---------------------------------------------------------------------------------------------


def test_lead_and_co_units_across_rounds(course, unit, co_unit):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, co=[co_unit], assigned_on=ASSIGNED_ON)
    before, after = DUE - 2 * DAY, DUE + DAY
    assert state(unit, proposal, before) == (True, False, False, 2)
    assert state(unit, proposal, after) == (True, True, False, -1)
    # The co-handling unit's opinion runs late on its own date, before the lead unit's reply is due.
    assert state(co_unit, proposal, OPINION_DUE - 2 * DAY) == (True, False, False, 2)
    assert state(co_unit, proposal, OPINION_DUE + DAY) == (True, True, False, -1)
    assert state(co_unit, proposal, before)[:2] == (True, True)
    assert set(Assignment.objects.pending(after).values_list("unit", flat=True)) == {unit.pk, co_unit.pk}

    services.proposal_opinion(actor=unit_user(co_unit, Role.LIAISON), proposal=proposal, opinion="同意")
    assert state(co_unit, proposal, after)[:3] == (False, False, False)
    assert state(unit, proposal, after)[:3] == (True, True, False)

    course.reply(proposal, unit)
    assert state(unit, proposal, after)[:3] == (False, False, True)
    assert not Assignment.objects.pending(after).exists()

    services.proposal_feedback(actor=course.committee, proposal=proposal, satisfaction="unsatisfied")
    new_due = Proposal.objects.get(pk=proposal.pk).due_date
    # The round-1 reply no longer counts; the co-handling unit's opinion stands.
    assert state(unit, proposal, new_due)[:3] == (True, False, False)
    assert state(unit, proposal, new_due + DAY)[:3] == (True, True, False)
    assert state(co_unit, proposal, new_due + DAY)[:3] == (False, False, False)

    course.reply(proposal, unit)
    assert state(unit, proposal, new_due + DAY)[:3] == (False, False, True)


def test_a_co_unit_without_opinion_stays_pending_until_the_proposal_is_replied(course, unit, co_unit):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, co=[co_unit], assigned_on=ASSIGNED_ON)
    course.reply(proposal, unit)
    assert state(co_unit, proposal, DUE + DAY)[:2] == (False, False)
    services.proposal_feedback(actor=course.committee, proposal=proposal, satisfaction="unsatisfied")
    # The new round gives it a new opinion date, a month from the feedback (not the first round's, long past).
    today = timezone.localdate()
    co = Assignment.objects.get(proposal=proposal, unit=co_unit)
    assert co.opinion_due_date == services.opinion_due_date(today, co.due_date)
    assert state(co_unit, proposal, today)[:2] == (True, False)


def test_separate_units_across_rounds(course, unit, other_unit):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, separate=[unit, other_unit], assigned_on=ASSIGNED_ON)
    after = DUE + DAY
    course.reply(proposal, unit)
    assert state(unit, proposal, after)[:3] == (False, False, True)
    assert state(other_unit, proposal, after)[:3] == (True, True, False)
    assert list(Assignment.objects.pending(after).values_list("unit", flat=True)) == [other_unit.pk]

    course.reply(proposal, other_unit)
    assert Proposal.objects.get(pk=proposal.pk).status == S.REPLIED
    assert not Assignment.objects.pending(after).exists()
    assert all(row.has_replied for row in Assignment.objects.with_state(after).filter(proposal=proposal))

    services.proposal_feedback(actor=course.committee, proposal=proposal, satisfaction="unsatisfied")
    new_due = Proposal.objects.get(pk=proposal.pk).due_date
    assert set(Assignment.objects.filter(proposal=proposal).values_list("due_date", flat=True)) == {new_due}
    for each in (unit, other_unit):
        assert state(each, proposal, new_due) == (True, False, False, 0)
        assert state(each, proposal, new_due + DAY) == (True, True, False, -1)

    course.reply(proposal, other_unit)
    assert state(other_unit, proposal, new_due + DAY)[:3] == (False, False, True)
    assert state(unit, proposal, new_due + DAY)[:3] == (True, True, False)


def test_nothing_is_pending_while_the_committee_decides_on_reassignment(course, unit):
    proposal = course.bring(ProposalFactory(), S.REASSIGN_REQUESTED, lead=unit, assigned_on=ASSIGNED_ON)
    assert state(unit, proposal, DUE + DAY)[:3] == (False, False, False)
    assert Proposal.objects.overdue(DUE + DAY).filter(pk=proposal.pk).exists()


@pytest.mark.parametrize("status", [S.CLOSED, S.REPLIED])
def test_nothing_is_pending_once_replied_or_closed(course, unit, co_unit, status):
    proposal = course.bring(ProposalFactory(), status, lead=unit, co=[co_unit], assigned_on=ASSIGNED_ON)
    rows = Assignment.objects.with_state(DUE + 50 * DAY).filter(proposal=proposal)
    assert {(row.role, row.pending, row.overdue, row.has_replied) for row in rows} == {
        (AssignmentRole.LEAD, False, False, True),
        (AssignmentRole.CO, False, False, False),
    }
    assert not Assignment.objects.pending(DUE + 50 * DAY).exists()


def test_state_of_one_proposal_ignores_the_replies_to_another(course, unit):
    first = course.bring(ProposalFactory(), S.REPLIED, lead=unit, assigned_on=ASSIGNED_ON)
    second = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit, assigned_on=ASSIGNED_ON)
    assert state(unit, first, DUE)[2] is True
    assert state(unit, second, DUE)[:3] == (True, False, False)
