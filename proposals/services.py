"""Every move of the proposal workflow, one function each. Pages, the API and commands all call these.

Each move checks the actor's role (``ActionForbidden``, 403), then the proposal's current status
(``WorkflowError``, 409), then its data (``ValidationError``, 400); it locks the proposal row so that two people can
never move the same proposal twice, records an ``Event`` and runs in one transaction.

The committee (``handle_proposal``) files, merges, assigns, extends, records feedback and closes; the assigned unit's
liaison and office staff (``reply_proposal``) reply, send a co-handling opinion and ask for re-assignment.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from projects.models import Organization, User

from .choices import AssignmentRole, ProposalMove, ProposalStatus, ProposerKind, Satisfaction
from .models import Assignment, Event, Feedback, Proposal, Proposer, Reply, ResultClass, Signature

# Which move may be made from which statuses, and the permission it takes (the unit's moves further need the
# actor's unit to be assigned the proposal in a suitable role; see ``_acting_unit``).
MOVE_RULES: dict[str, tuple[tuple[str, ...], str]] = {
    ProposalMove.FILE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.NOT_FILE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.MERGE: ((ProposalStatus.SUBMITTED,), "handle_proposal"),
    ProposalMove.ASSIGN: ((ProposalStatus.FILED, ProposalStatus.REASSIGN_REQUESTED), "handle_proposal"),
    ProposalMove.REQUEST_REASSIGN: ((ProposalStatus.ASSIGNED,), "reply_proposal"),
    ProposalMove.OPINION: ((ProposalStatus.ASSIGNED, ProposalStatus.REHANDLING), "reply_proposal"),
    ProposalMove.EXTEND: (tuple(ProposalStatus.awaiting_reply()), "handle_proposal"),
    ProposalMove.REPLY: ((ProposalStatus.ASSIGNED, ProposalStatus.REHANDLING), "reply_proposal"),
    ProposalMove.FEEDBACK: ((ProposalStatus.REPLIED,), "handle_proposal"),
    ProposalMove.CLOSE: ((ProposalStatus.REPLIED,), "handle_proposal"),
}
UNIT_MOVE_ROLES = {
    ProposalMove.REQUEST_REASSIGN: tuple(AssignmentRole.values),
    ProposalMove.OPINION: (AssignmentRole.CO,),
    ProposalMove.REPLY: tuple(AssignmentRole.replying()),
}


def available_moves(user: User, proposal: Proposal) -> list[str]:
    """The moves this user may make on this proposal now: what the proposal page offers as buttons.

    ``proposal`` should come with its assignments (and replies) prefetched; the services check everything again.
    """
    moves = []
    if proposal.is_archived:
        return moves
    for move, (statuses, permission) in MOVE_RULES.items():
        if proposal.status not in statuses or not user.has_perm(f"proposals.{permission}"):
            continue
        if move in UNIT_MOVE_ROLES:
            assignments = [a for a in proposal.assignments.all() if a.role in UNIT_MOVE_ROLES[move]]
            if not user.sees_all_units:
                assignments = [a for a in assignments if a.unit_id == user.organization_id]
            if move == ProposalMove.REPLY:
                replied = {r.unit_id for r in proposal.replies.all() if r.round == proposal.round}
                assignments = [a for a in assignments if a.unit_id not in replied]
            if not assignments:
                continue
        moves.append(move)
    return moves


def default_due_date(assigned_on: datetime.date) -> datetime.date:
    """A reply is due ``REPLY_MONTHS`` after assignment (three months in most places)."""
    return add_months(assigned_on, settings.PROPOSALS["REPLY_MONTHS"])


def latest_due_date(start: datetime.date) -> datetime.date:
    """No due date may lie more than ``MAX_MONTHS`` after its start (six months is the usual ceiling)."""
    return add_months(start, settings.PROPOSALS["MAX_MONTHS"])


def _check_due_date(due_date: datetime.date, start: datetime.date, field: str = "due_date"):
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


def _require(actor: User, permission: str, message: str):
    if not actor.has_perm(f"proposals.{permission}"):
        raise ActionForbidden(message)


def _require_committee(actor: User):
    _require(actor, "handle_proposal", _("Only the proposal committee may do this."))


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.all_objects.select_for_update().get(pk=proposal.pk)


def _require_status(proposal: Proposal, move: str):
    if proposal.is_archived:
        raise WorkflowError(_("The proposal is archived: restore it first."))
    if proposal.status not in MOVE_RULES[move][0]:
        raise WorkflowError(
            _("The proposal is %(status)s: this step is not possible now.") % {"status": proposal.get_status_display()}
        )


def _move(proposal: Proposal, actor: User, move: str, to_status: str, note: str = "") -> Event:
    """Record the step and save the proposal's new status."""
    from_status = proposal.status
    proposal.status = to_status
    proposal._history_user = actor
    proposal.save()
    return Event.objects.create(
        proposal=proposal, actor=actor, move=move, from_status=from_status, to_status=to_status, note=note.strip()
    )


def _record(proposal: Proposal, actor: User, move: str, note: str = "") -> Event:
    """Record a step that leaves the status as it is (an opinion, an extension, one of several replies…)."""
    return Event.objects.create(
        proposal=proposal, actor=actor, move=move, from_status=proposal.status, to_status=proposal.status, note=note
    )


def _unit_label(unit: Organization) -> str:
    return unit.short_name or unit.name


def proposers_from_names(names: Sequence[str]) -> list[Proposer]:
    """The proposers with these names in this order; unknown names are created (an organisation when the name
    ends like one: 委员会, 委会, 支部…)."""
    cleaned = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    if not cleaned:
        raise ValidationError({"proposers": _("Name at least one proposer.")})
    found = {proposer.name: proposer for proposer in Proposer.objects.filter(name__in=cleaned)}
    organisation_endings = ("会", "委", "支部", "组", "党", "联", "社", "盟")
    for name in cleaned:
        if name not in found:
            kind = ProposerKind.ORGANIZATION if name.endswith(organisation_endings) else ProposerKind.MEMBER
            found[name] = Proposer.objects.create(name=name, kind=kind)
    return [found[name] for name in cleaned]


def set_proposers(proposal: Proposal, proposers: Sequence[Proposer]):
    """Replace the proposal's signatures: the first proposer leads, the rest co-sign in order."""
    proposal.signatures.all().delete()
    Signature.objects.bulk_create(
        Signature(proposal=proposal, proposer=proposer, position=position)
        for position, proposer in enumerate(proposers, start=1)
    )


def _resolve_proposers(proposers: Sequence[Proposer | str]) -> list[Proposer]:
    """Proposers given as objects or as names (unknown names are created, inside the caller's transaction). A
    proposer named twice signs once, in the first place; blank names are left out."""
    names = [proposer for proposer in proposers if isinstance(proposer, str)]
    found = {proposer.name: proposer for proposer in proposers_from_names(names)} if names else {}
    resolved = [
        found[proposer.strip()] if isinstance(proposer, str) else proposer
        for proposer in proposers
        if not isinstance(proposer, str) or proposer.strip()
    ]
    return list(dict.fromkeys(resolved))


def proposal_submit(*, actor: User, data: dict, proposers: Sequence[Proposer | str], related_projects=()) -> Proposal:
    """Register a proposal as submitted (提交). ``data`` holds its own fields: session, number, title, category,
    content, suggestions, submitted_on, is_key, supervising_leader. ``proposers`` (objects or names, lead first)."""
    if not actor.has_perm("proposals.add_proposal"):
        raise ActionForbidden(_("Only the proposal committee registers proposals."))
    with transaction.atomic():
        proposal = Proposal(**data)
        proposal.full_clean()
        proposal._history_user = actor
        proposal.save()
        set_proposers(proposal, _resolve_proposers(proposers))
        proposal.related_projects.set(related_projects)
        Event.objects.create(
            proposal=proposal, actor=actor, move=ProposalMove.SUBMIT, from_status="", to_status=proposal.status
        )
    return proposal


def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    data: dict,
    proposers: Sequence[Proposer | str] | None = None,
    related_projects=None,
) -> Proposal:
    """The committee corrects a proposal's text, proposers (None keeps them) or related projects (None keeps them);
    its status and dates are left alone."""
    if not actor.has_perm("proposals.change_proposal"):
        raise ActionForbidden(_("Only the proposal committee edits proposals."))
    with transaction.atomic():
        proposal = _lock(proposal)
        for field, value in data.items():
            setattr(proposal, field, value)
        proposal.full_clean()
        proposal._history_user = actor
        proposal.save()
        if proposers is not None:
            set_proposers(proposal, _resolve_proposers(proposers))
        if related_projects is not None:
            proposal.related_projects.set(related_projects)
    return proposal


def proposal_archive(*, actor: User, proposal: Proposal) -> Proposal:
    """A proposal registered by mistake is archived (never deleted), but only while it is still just submitted: once
    filed it is handled, not withdrawn."""
    if not actor.has_perm("proposals.delete_proposal"):
        raise ActionForbidden(_("Only the proposal committee archives proposals."))
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.is_archived:
            return proposal
        if proposal.status != ProposalStatus.SUBMITTED:
            raise WorkflowError(
                _("Only a submitted proposal can be archived; this one is %(status)s.")
                % {"status": proposal.get_status_display()}
            )
        proposal.archive(actor)
    return proposal


def proposal_restore(*, actor: User, proposal: Proposal) -> Proposal:
    """Bring an archived proposal back as it was."""
    if not actor.has_perm("proposals.delete_proposal"):
        raise ActionForbidden(_("Only the proposal committee archives proposals."))
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.is_archived:
            proposal.restore(actor)
    return proposal


def proposal_file(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    """立案: the committee accepts the proposal for handling."""
    _require_committee(actor)
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_status(proposal, ProposalMove.FILE)
        _move(proposal, actor, ProposalMove.FILE, ProposalStatus.FILED, note)
    return proposal


def proposal_not_file(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """不予立案: the proposal is not filed (kept as an opinion); the proposer is told why."""
    _require_committee(actor)
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_status(proposal, ProposalMove.NOT_FILE)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for not filing the proposal.")})
        proposal.not_filed_reason = reason.strip()
        _move(proposal, actor, ProposalMove.NOT_FILE, ProposalStatus.NOT_FILED, reason)
    return proposal


def proposal_merge(*, actor: User, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    """并案: handled together with ``into``; this proposal's proposers still receive the reply and give feedback."""
    _require_committee(actor)
    with transaction.atomic():
        # Both rows, always in the same order, so that two opposite merges wait for each other instead of deadlocking.
        locked = {
            row.pk: row
            for row in Proposal.objects.select_for_update().filter(pk__in=[proposal.pk, into.pk]).order_by("pk")
        }
        proposal, into = locked[proposal.pk], locked[into.pk]
        _require_status(proposal, ProposalMove.MERGE)
        if into.pk == proposal.pk:
            raise ValidationError({"into": _("A proposal cannot be merged into itself.")})
        if into.session_id != proposal.session_id:
            raise ValidationError({"into": _("Only proposals of the same session can be merged.")})
        if into.status in ProposalStatus.terminal() or into.status == ProposalStatus.SUBMITTED:
            raise ValidationError(
                {
                    "into": _("Merge into a proposal that is filed and still open; %(number)s is %(status)s.")
                    % {"number": into.number, "status": into.get_status_display()}
                }
            )
        proposal.merged_into = into
        text = _("Merged into %(number)s %(title)s.") % {"number": into.number, "title": into.title}
        _move(proposal, actor, ProposalMove.MERGE, ProposalStatus.MERGED, f"{text} {note}")
        _record(
            into,
            actor,
            ProposalMove.MERGE,
            _("%(number)s %(title)s merged into this proposal.") % {"number": proposal.number, "title": proposal.title},
        )
    return proposal


def proposal_assign(
    *,
    actor: User,
    proposal: Proposal,
    lead_unit: Organization | None = None,
    co_units: Sequence[Organization] = (),
    separate_units: Sequence[Organization] = (),
    due_date: datetime.date | None = None,
    assigned_on: datetime.date | None = None,
    note: str = "",
) -> Proposal:
    """交办: to a lead unit with co-handling units, or to several units that answer separately (or both). Also how
    the committee answers a request for re-assignment: the units given replace the previous ones (a unit kept keeps
    its assignment date, opinion and any reply)."""
    _require_committee(actor)
    assigned_on = assigned_on or timezone.localdate()
    co_units, separate_units = list(dict.fromkeys(co_units)), list(dict.fromkeys(separate_units))
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_status(proposal, ProposalMove.ASSIGN)
        errors = {}
        if lead_unit is None and not separate_units:
            errors["lead_unit"] = _("Name the lead unit, or the units that answer separately.")
        if co_units and lead_unit is None:
            errors["co_units"] = _("Co-handling units work with a lead unit; name the lead unit too.")
        roles = dict.fromkeys(co_units, AssignmentRole.CO)
        roles.update(dict.fromkeys(separate_units, AssignmentRole.SEPARATE))
        if lead_unit is not None:
            roles[lead_unit] = AssignmentRole.LEAD
        if len(roles) != len(co_units) + len(separate_units) + (lead_unit is not None):
            errors["co_units"] = _("A unit can have only one role on a proposal.")
        if errors:
            raise ValidationError(errors)
        due_date_given = due_date is not None
        due_date = due_date or default_due_date(assigned_on)
        _check_due_date(due_date, assigned_on)

        existing = {assignment.unit_id: assignment for assignment in proposal.assignments.select_related("unit")}
        proposal.assignments.exclude(unit__in=list(roles)).delete()
        for unit, role in roles.items():
            assignment = existing.get(unit.pk)
            if assignment is None:
                Assignment.objects.create(
                    proposal=proposal,
                    unit=unit,
                    role=role,
                    assigned_on=assigned_on,
                    due_date=due_date,
                    original_due_date=due_date,
                )
            elif assignment.role != role or due_date_given:
                # A unit given a new role, or a due date the committee set, starts afresh from today's assignment.
                assignment.role = role
                assignment.assigned_on = assigned_on
                assignment.due_date = assignment.original_due_date = due_date
                assignment.extension_reason = ""
                assignment.save()
        proposal.due_date = max(
            proposal.assignments.filter(role__in=AssignmentRole.replying()).values_list("due_date", flat=True)
        )
        kept = {unit.pk for unit in roles}
        was = [_unit_label(assignment.unit) for assignment in existing.values() if assignment.unit_id not in kept]
        lines = [
            f"{AssignmentRole(role).label}: {_unit_label(unit)}"
            for role in AssignmentRole.values
            for unit in roles
            if roles[unit] == role
        ]
        lines.append(_("Due %(date)s.") % {"date": proposal.due_date.isoformat()})
        if was:
            lines.append(_("No longer assigned: %(units)s.") % {"units": "、".join(was)})
        if note.strip():
            lines.append(note.strip())
        _move(proposal, actor, ProposalMove.ASSIGN, ProposalStatus.ASSIGNED, "\n".join(lines))
    return proposal


def _acting_unit(actor: User, proposal: Proposal, unit: Organization | None, move: str) -> Assignment:
    """The assignment the actor acts for in a unit's move (a liaison always for their own unit; office staff for
    the unit they name, or the only one in a suitable role), checking role (403), then status (409), then data."""
    _require(actor, "reply_proposal", _("Only the assigned unit's liaison or smart-city office staff may do this."))
    roles = UNIT_MOVE_ROLES[move]
    own = None
    if not actor.sees_all_units:
        if unit is not None and unit.pk != actor.organization_id:
            raise ActionForbidden(_("You may only act for your own unit."))
        own = proposal.assignments.filter(unit_id=actor.organization_id).select_related("unit").first()
        if own is None:
            raise ActionForbidden(_("Your unit is not assigned this proposal."))
    if move == ProposalMove.REPLY and proposal.status == ProposalStatus.REASSIGN_REQUESTED:
        raise WorkflowError(_("Re-assignment has been requested: wait for the committee's decision."))
    _require_status(proposal, move)
    if own is not None:
        assignment = own
    else:
        candidates = proposal.assignments.filter(role__in=roles).select_related("unit")
        if unit is not None:
            candidates = candidates.filter(unit=unit)
        candidates = list(candidates)
        if len(candidates) != 1:
            message = (
                _("This unit is not assigned this proposal in that role.")
                if unit is not None
                else _("Name the unit you act for.")
            )
            raise ValidationError({"unit": message})
        assignment = candidates[0]
    if assignment.role not in roles:
        if assignment.role == AssignmentRole.CO:
            raise ValidationError(
                {"unit": _("A co-handling unit sends its opinion to the lead unit; the lead unit replies.")}
            )
        raise ValidationError({"unit": _("Only co-handling units send an opinion; this unit replies.")})
    return assignment


def proposal_request_reassign(*, actor: User, proposal: Proposal, reason: str, unit: Organization | None = None):
    """申请调整: an assigned unit says the proposal is not its business. It may not pass it on itself: the committee
    decides by assigning again."""
    with transaction.atomic():
        proposal = _lock(proposal)
        assignment = _acting_unit(actor, proposal, unit, ProposalMove.REQUEST_REASSIGN)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say why the proposal is not your unit's business.")})
        note = f"{_unit_label(assignment.unit)}: {reason.strip()}"
        _move(proposal, actor, ProposalMove.REQUEST_REASSIGN, ProposalStatus.REASSIGN_REQUESTED, note)
    return proposal


def proposal_opinion(
    *,
    actor: User,
    proposal: Proposal,
    opinion: str,
    unit: Organization | None = None,
    opinion_on: datetime.date | None = None,
):
    """A co-handling unit sends its opinion to the lead unit (a note on its assignment) before the lead replies."""
    with transaction.atomic():
        proposal = _lock(proposal)
        assignment = _acting_unit(actor, proposal, unit, ProposalMove.OPINION)
        if not (opinion or "").strip():
            raise ValidationError({"opinion": _("Write the opinion.")})
        assignment.opinion = opinion.strip()
        opinion_on = opinion_on or timezone.localdate()
        if opinion_on > timezone.localdate():
            raise ValidationError({"opinion_on": _("An opinion cannot be dated in the future.")})
        assignment.opinion_on = opinion_on
        assignment.save(update_fields=["opinion", "opinion_on", "last_updated"])
        _record(
            proposal,
            actor,
            ProposalMove.OPINION,
            f"{_unit_label(assignment.unit)}: {assignment.opinion}",
        )
    return proposal


def _round_start(proposal: Proposal, assignment: Assignment) -> datetime.date:
    """Where the ceiling on due dates is counted from: the assignment in the first round, later the day the
    proposal went back to its units."""
    if proposal.round == 1:
        return assignment.assigned_on
    sent_back = proposal.events.filter(to_status=ProposalStatus.REHANDLING).order_by("-at").values_list("at", flat=True)
    return max(assignment.assigned_on, timezone.localdate(sent_back[0])) if sent_back else assignment.assigned_on


def assignment_extend(*, actor: User, assignment: Assignment, due_date: datetime.date, reason: str) -> Assignment:
    """The committee approves a later due date for one unit; the reason is recorded."""
    _require_committee(actor)
    with transaction.atomic():
        proposal = _lock(assignment.proposal)
        assignment = proposal.assignments.select_related("unit").get(pk=assignment.pk)
        _require_status(proposal, ProposalMove.EXTEND)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        if due_date <= assignment.due_date:
            raise ValidationError({"due_date": _("An extension must move the due date later.")})
        _check_due_date(due_date, _round_start(proposal, assignment))
        previous = assignment.due_date
        assignment.due_date = due_date
        assignment.extension_reason = reason.strip()
        assignment.save(update_fields=["due_date", "extension_reason", "last_updated"])
        if assignment.role in AssignmentRole.replying():
            proposal.due_date = max(proposal.due_date or due_date, due_date)
            proposal.save(update_fields=["due_date", "last_updated"])
        _record(
            proposal,
            actor,
            ProposalMove.EXTEND,
            _("%(unit)s: due %(old)s → %(new)s. %(reason)s")
            % {
                "unit": _unit_label(assignment.unit),
                "old": previous.isoformat(),
                "new": due_date.isoformat(),
                "reason": assignment.extension_reason,
            },
        )
    return assignment


def proposal_reply(
    *,
    actor: User,
    proposal: Proposal,
    text: str,
    result_class: ResultClass,
    issued_on: datetime.date | None = None,
    unit: Organization | None = None,
    doc_number: str = "",
    signer: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    cc: str = "",
    is_public: bool = False,
) -> Reply:
    """答复: a lead or separate unit issues its reply letter for the current round. Once every such unit has
    replied, the proposal is replied and waits for the proposers' feedback."""
    with transaction.atomic():
        proposal = _lock(proposal)
        assignment = _acting_unit(actor, proposal, unit, ProposalMove.REPLY)
        if proposal.replies.filter(unit=assignment.unit, round=proposal.round).exists():
            raise WorkflowError(_("Your unit has already replied to this proposal in this round."))
        reply = Reply(
            proposal=proposal,
            unit=assignment.unit,
            round=proposal.round,
            text=(text or "").strip(),
            result_class=result_class,
            issued_on=issued_on or timezone.localdate(),
            due_date=assignment.due_date,
            doc_number=doc_number.strip(),
            signer=signer.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
            cc=cc.strip(),
            is_public=is_public,
            created_by=actor,
        )
        if reply.issued_on > timezone.localdate():
            raise ValidationError({"issued_on": _("A reply cannot be dated in the future.")})
        reply.full_clean()
        reply._history_user = actor
        reply.save()
        outstanding = (
            proposal.assignments.filter(role__in=AssignmentRole.replying())
            .exclude(unit__in=proposal.replies.filter(round=proposal.round).values("unit"))
            .exists()
        )
        note = _("%(unit)s, class %(code)s%(doc)s") % {
            "unit": _unit_label(assignment.unit),
            "code": result_class.code,
            "doc": f", {reply.doc_number}" if reply.doc_number else "",
        }
        if outstanding:
            _record(
                proposal,
                actor,
                ProposalMove.REPLY,
                note,
            )
        else:
            _move(proposal, actor, ProposalMove.REPLY, ProposalStatus.REPLIED, note)
    return reply


def _with_merged(proposal: Proposal) -> Q:
    return Q(proposal=proposal) | Q(proposal__merged_into=proposal)


def proposal_signers(proposal: Proposal):
    """Everyone who signed this proposal or one merged into it: those who may give feedback on its replies."""
    return Proposer.objects.filter(pk__in=Signature.objects.filter(_with_merged(proposal)).values("proposer_id"))


def feedback_parties(proposal: Proposal) -> list[Proposer]:
    """Whose feedback closes a round: the lead proposer of this proposal and of each proposal merged into it."""
    leads = Signature.objects.filter(_with_merged(proposal), position=1).select_related("proposer")
    return [signature.proposer for signature in leads.order_by("proposal__number")]


def proposal_feedback(
    *,
    actor: User,
    proposal: Proposal,
    satisfaction: str,
    comment: str = "",
    proposer: Proposer | None = None,
    given_on: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Feedback:
    """A proposer's verdict on the round's replies, recorded by the committee.

    Feedback on a merged proposal is feedback on the proposal it was merged into, from this one's lead proposer.
    Unsatisfied sends the proposal back to its units (重新办理) with a new due date (``REHANDLING_MONTHS`` by
    default); once every lead proposer (of this proposal and of those merged into it) is satisfied or basically
    satisfied, the proposal is closed.
    """
    _require_committee(actor)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose satisfied, basically satisfied or unsatisfied.")})
    today = timezone.localdate()
    with transaction.atomic():
        if proposal.merged_into_id and proposer is None:
            proposer = proposal.lead_proposer
        proposal = _lock(proposal.handling_proposal)
        _require_status(proposal, ProposalMove.FEEDBACK)
        parties = feedback_parties(proposal)
        signers = set(proposal_signers(proposal).values_list("pk", flat=True))
        proposer = proposer or next(
            (
                party
                for party in parties
                if not proposal.feedbacks.filter(round=proposal.round, proposer=party).exists()
            ),
            parties[0] if parties else None,
        )
        if proposer is None or proposer.pk not in signers:
            raise ValidationError({"proposer": _("Feedback comes from one of the proposal's proposers.")})
        if proposal.feedbacks.filter(round=proposal.round, proposer=proposer).exists():
            raise WorkflowError(_("%(name)s has already given feedback in this round.") % {"name": proposer.name})
        given_on = given_on or today
        if given_on > today:
            raise ValidationError({"given_on": _("Feedback cannot be dated in the future.")})
        if satisfaction == Satisfaction.UNSATISFIED:
            due_date = due_date or add_months(today, settings.PROPOSALS["REHANDLING_MONTHS"])
            _check_due_date(due_date, today)
        elif due_date is not None:
            raise ValidationError({"due_date": _("A new due date is set only when the proposer is unsatisfied.")})
        feedback = Feedback.objects.create(
            proposal=proposal,
            proposer=proposer,
            round=proposal.round,
            satisfaction=satisfaction,
            comment=(comment or "").strip(),
            given_on=given_on,
            recorded_by=actor,
        )
        note = f"{proposer.name}: {feedback.get_satisfaction_display()}"
        if feedback.comment:
            note += f"\n{feedback.comment}"
        if satisfaction == Satisfaction.UNSATISFIED:
            proposal.round += 1
            proposal.due_date = due_date
            # A new round, not an extension: each unit's due date starts afresh.
            proposal.assignments.update(due_date=due_date, original_due_date=due_date, extension_reason="")
            note += "\n" + _("Handled again, due %(date)s.") % {"date": due_date.isoformat()}
            _move(proposal, actor, ProposalMove.FEEDBACK, ProposalStatus.REHANDLING, note)
            return feedback
        answered = set(proposal.feedbacks.filter(round=proposal.round).values_list("proposer_id", flat=True))
        if all(party.pk in answered for party in parties):
            _move(proposal, actor, ProposalMove.FEEDBACK, ProposalStatus.CLOSED, note)
        else:
            _record(
                proposal,
                actor,
                ProposalMove.FEEDBACK,
                note,
            )
    return feedback


def proposal_close(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    """办结 without (all) feedback, for instance when the proposer has not returned the feedback form in time."""
    _require_committee(actor)
    with transaction.atomic():
        proposal = _lock(proposal)
        _require_status(proposal, ProposalMove.CLOSE)
        _move(proposal, actor, ProposalMove.CLOSE, ProposalStatus.CLOSED, note)
    return proposal
