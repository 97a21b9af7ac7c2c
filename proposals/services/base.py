"""What every move of the proposal workflow shares: the table of allowed moves, the checks of role, status and unit,
the row lock and the timeline's events."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization, User
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError

from ..choices import AssignmentRole, ProposalMove, ProposalStatus, ReplyStatus
from ..models import Assignment, Event, Proposal

ANSWERING = (ProposalStatus.ASSIGNED, ProposalStatus.REHANDLING)

# Which move may be made from which statuses, and the permission it takes (the unit's moves further need the
# actor's own unit to be assigned the proposal in a suitable role; see ``acting_assignment``).
MOVE_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    ProposalMove.FILE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.NOT_FILE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.MERGE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.ASSIGN: ((ProposalStatus.FILED, ProposalStatus.REASSIGN_REQUESTED), "handle_proposal"),
    ProposalMove.REQUEST_REASSIGN: ((ProposalStatus.ASSIGNED,), "reply_proposal"),
    ProposalMove.OPINION: (ANSWERING, "reply_proposal"),
    ProposalMove.EXTEND: (tuple(ProposalStatus.awaiting_reply()), "handle_proposal"),
    ProposalMove.DRAFT_REPLY: (ANSWERING, "reply_proposal"),
    ProposalMove.REPLY: (ANSWERING, "sign_reply"),
    ProposalMove.RETURN_REPLY: (ANSWERING, "sign_reply"),
    ProposalMove.RECORD_REPLY: (ANSWERING, "handle_proposal"),
    ProposalMove.FEEDBACK: ((ProposalStatus.REPLIED,), "handle_proposal"),
    ProposalMove.CLOSE: ((ProposalStatus.REPLIED,), "handle_proposal"),
}
# The unit's moves, and the roles on the proposal in which a unit makes them.
UNIT_MOVE_ROLES = {
    ProposalMove.REQUEST_REASSIGN: tuple(AssignmentRole.values),
    ProposalMove.OPINION: (AssignmentRole.CO,),
    ProposalMove.DRAFT_REPLY: tuple(AssignmentRole.replying()),
    ProposalMove.REPLY: tuple(AssignmentRole.replying()),
    ProposalMove.RETURN_REPLY: tuple(AssignmentRole.replying()),
}


def available_moves(user: User, proposal: Proposal) -> list[str]:
    """The moves this user may make on this proposal now: what the proposal page offers as buttons.

    ``proposal`` should come with its assignments (and replies) prefetched; the services check everything again.
    """
    moves = []
    if proposal.is_archived:
        return moves
    replies = {reply.unit_id: reply for reply in proposal.replies.all() if reply.round == proposal.round}
    for move, (statuses, permission) in MOVE_RULES.items():
        if proposal.status not in statuses or not user.has_perm(f"proposals.{permission}"):
            continue
        if move in UNIT_MOVE_ROLES:
            units = [
                a.unit_id
                for a in proposal.assignments.all()
                if a.role in UNIT_MOVE_ROLES[move] and a.unit_id == user.organization_id
            ]
            if move == ProposalMove.DRAFT_REPLY:
                units = [unit for unit in units if unit not in replies or not replies[unit].is_issued]
            elif move in (ProposalMove.REPLY, ProposalMove.RETURN_REPLY):
                units = [unit for unit in units if unit in replies and replies[unit].status == ReplyStatus.DRAFT]
            if not units:
                continue
        elif move == ProposalMove.RECORD_REPLY:
            owing = [
                a
                for a in proposal.assignments.all()
                if a.role in AssignmentRole.replying() and not (a.unit_id in replies and replies[a.unit_id].is_issued)
            ]
            if not owing:
                continue
        moves.append(move)
    return moves


def default_due_date(assigned_on: datetime.date) -> datetime.date:
    """A reply is due ``REPLY_MONTHS`` after assignment (three months in most places)."""
    return add_months(assigned_on, settings.PROPOSALS["REPLY_MONTHS"])


def opinion_due_date(assigned_on: datetime.date, reply_due: datetime.date) -> datetime.date:
    """A co-handling unit's opinion is due ``OPINION_MONTHS`` after its assignment (one month by default), and never
    after the reply it feeds."""
    return min(add_months(assigned_on, settings.PROPOSALS["OPINION_MONTHS"]), reply_due)


def latest_due_date(start: datetime.date) -> datetime.date:
    """No due date may lie more than ``MAX_MONTHS`` after its start (six months is the usual ceiling)."""
    return add_months(start, settings.PROPOSALS["MAX_MONTHS"])


def check_due_date(due_date: datetime.date, start: datetime.date, field: str = "due_date"):
    if due_date < start:
        raise ValidationError({field: _("The due date cannot come before %(date)s.") % {"date": start.isoformat()}})
    ceiling = latest_due_date(start)
    if due_date > ceiling:
        raise ValidationError(
            {
                field: _("The due date can be at most %(months)d months after %(start)s, that is %(date)s.")
                % {"months": settings.PROPOSALS["MAX_MONTHS"], "start": start.isoformat(), "date": ceiling.isoformat()}
            }
        )


def require(actor: User, permission: str, message: str):
    if not actor.has_perm(f"proposals.{permission}"):
        raise ActionForbidden(message)


def require_committee(actor: User):
    require(actor, "handle_proposal", _("Only the proposal committee may do this."))


def lock(proposal: Proposal) -> Proposal:
    return Proposal.all_objects.select_for_update().get(pk=proposal.pk)


def require_status(proposal: Proposal, move: str):
    if proposal.is_archived:
        raise WorkflowError(_("The proposal is archived: restore it first."))
    if proposal.status not in MOVE_RULES[move][0]:
        raise WorkflowError(
            _("The proposal is %(status)s: this step is not possible now.") % {"status": proposal.get_status_display()}
        )


def move(proposal: Proposal, actor: User, step: str, to_status: str, note: str = "") -> Event:
    """Record the step and save the proposal's new status."""
    from_status = proposal.status
    proposal.status = to_status
    proposal._history_user = actor
    proposal.save()
    return Event.objects.create(
        proposal=proposal, actor=actor, move=step, from_status=from_status, to_status=to_status, note=note.strip()
    )


def record(proposal: Proposal, actor: User, step: str, note: str = "") -> Event:
    """Record a step that leaves the status as it is (an opinion, an extension, one of several replies…)."""
    return Event.objects.create(
        proposal=proposal, actor=actor, move=step, from_status=proposal.status, to_status=proposal.status, note=note
    )


def unit_label(unit: Organization) -> str:
    return unit.short_name or unit.name


MOVE_PERMISSION_MESSAGES = {
    "reply_proposal": gettext_lazy("Only the assigned unit's liaison or signer may do this."),
    "sign_reply": gettext_lazy("Only the assigned unit's signer (单位签发人) signs off or returns its replies."),
}


def acting_assignment(actor: User, proposal: Proposal, unit: Organization | None, step: str) -> Assignment:
    """The actor's own unit's assignment, for one of the unit's moves: role (403), then status (409), then the
    unit's role on the proposal (400). Everyone acts only for their own unit: nobody, office staff included,
    answers for another unit (the committee records a paper reply with ``reply_record``)."""
    permission = MOVE_RULES[step][1]
    require(actor, permission, MOVE_PERMISSION_MESSAGES[permission])
    if unit is not None and unit.pk != actor.organization_id:
        raise ActionForbidden(_("You may only act for your own unit."))
    own = (
        proposal.assignments.filter(unit_id=actor.organization_id).select_related("unit").first()
        if actor.organization_id
        else None
    )
    if own is None:
        raise ActionForbidden(_("Your unit is not assigned this proposal."))
    replying = (ProposalMove.DRAFT_REPLY, ProposalMove.REPLY, ProposalMove.RETURN_REPLY)
    if step in replying and proposal.status == ProposalStatus.REASSIGN_REQUESTED:
        raise WorkflowError(_("Re-assignment has been requested: wait for the committee's decision."))
    require_status(proposal, step)
    if own.role not in UNIT_MOVE_ROLES[step]:
        if own.role == AssignmentRole.CO:
            raise ValidationError(
                {"unit": _("A co-handling unit sends its opinion to the lead unit; the lead unit replies.")}
            )
        raise ValidationError({"unit": _("Only co-handling units send an opinion; this unit replies.")})
    return own


def round_start(proposal: Proposal, assignment: Assignment) -> datetime.date:
    """Where the round's dates are counted from: the assignment in the first round, later the day the proposal went
    back to its units."""
    if proposal.round == 1:
        return assignment.assigned_on
    # The move into rehandling, not the steps recorded while rehandling (a draft, an extension).
    sent_back = (
        proposal.events.filter(to_status=ProposalStatus.REHANDLING)
        .exclude(from_status=ProposalStatus.REHANDLING)
        .order_by("-at")
        .values_list("at", flat=True)
    )
    return max(assignment.assigned_on, timezone.localdate(sent_back[0])) if sent_back else assignment.assigned_on
