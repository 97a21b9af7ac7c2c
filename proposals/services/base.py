"""What every move of the proposal workflow shares: the checks of role, status and unit against the step's
declaration (``proposals.steps``), the row lock and the timeline's events."""

import datetime
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from ..steps import Step


def declared_steps() -> dict[str, "Step"]:
    """The steps as ``proposals.steps`` declares them: which statuses each is made from, the permission it takes and,
    for the unit's steps, the roles in which a unit makes it."""
    # Read when a move is checked: the registry names the services of this package, so it loads after them.
    from ..steps import STEPS

    return STEPS


def available_moves(user: User, proposal: Proposal) -> list[str]:
    """The moves this user may make on this proposal now: what the proposal page offers as buttons.

    ``proposal`` should come with its assignments (and replies) prefetched; the services check everything again.
    """
    moves = []
    if proposal.is_archived or not user.region_scope.allows(proposal, "change"):
        return moves
    replies = {reply.unit_id: reply for reply in proposal.replies.all() if reply.round == proposal.round}
    for move, step in declared_steps().items():
        if proposal.status not in step.statuses or not user.has_perm(f"proposals.{step.permission}"):
            continue
        if step.unit_roles:
            units = [
                a.unit_id
                for a in proposal.assignments.all()
                if a.role in step.unit_roles and a.unit_id == user.organization_id
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


# Why a role that never makes a step is refused it, by the permission the step takes.
PERMISSION_MESSAGES = {
    "handle_proposal": gettext_lazy("Only the proposal committee may do this."),
    "reply_proposal": gettext_lazy("Only the assigned unit's liaison or signer may do this."),
    "sign_reply": gettext_lazy("Only the assigned unit's signer (单位签发人) signs off or returns its replies."),
}


def require_permission(actor: User, move: str):
    """The actor's role may make this step (``ActionForbidden`` otherwise)."""
    permission = declared_steps()[move].permission
    if not actor.has_perm(f"proposals.{permission}"):
        raise ActionForbidden(PERMISSION_MESSAGES[permission])


def require_own_cppcc(actor: User, proposal: Proposal):
    """Only the proposal's own CPPCC acts on it — its committee and its region's units (``RegionScope``: writes stay
    in the own region); those who read it from above (a city's office or committee) do not (``ActionForbidden``)."""
    if not actor.region_scope.allows(proposal, "change"):
        raise ActionForbidden(_("This proposal is another CPPCC's: only its own committee and units act on it."))


def lock(proposal: Proposal, actor: User) -> Proposal:
    """The proposal's row, locked until the move commits, once the actor is known to be of its CPPCC."""
    locked = Proposal.all_objects.select_for_update().get(pk=proposal.pk)
    require_own_cppcc(actor, locked)
    return locked


def require_status(proposal: Proposal, move: str):
    if proposal.is_archived:
        raise WorkflowError(_("The proposal is archived: restore it first."))
    if proposal.status not in declared_steps()[move].statuses:
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
    return unit.label


def acting_assignment(actor: User, proposal: Proposal, unit: Organization | None, step: str) -> Assignment:
    """The actor's own unit's assignment, for one of the unit's moves: role (403), then status (409), then the
    unit's role on the proposal (400). Everyone acts only for their own unit: nobody, office staff included,
    answers for another unit (the committee records a paper reply with ``reply_record``)."""
    require_permission(actor, step)
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
    if own.role not in declared_steps()[step].unit_roles:
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
