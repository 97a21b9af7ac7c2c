"""The proposal's own moves, one function each: registration, filing, merging, assignment, re-assignment requests,
co-handling opinions, extensions, the proposers' feedback and closing. The replies' moves are in ``replies``."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organization, Region, User
from attachments.choices import AttachmentKind
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from notifications.choices import NotificationKind
from notifications.services import members_of, notify

from ..choices import AssignmentRole, ProposalMove, ProposalStatus, ProposerKind, Satisfaction
from ..models import Assignment, Event, Feedback, Proposal, Proposer, Signature
from ..querysets import handling_units
from .base import (
    acting_assignment,
    check_due_date,
    default_due_date,
    lock,
    move,
    opinion_due_date,
    record,
    require_own_cppcc,
    require_permission,
    require_status,
    round_start,
    unit_label,
)
from .letter_files import check_letters, keep_letters


def proposers_from_names(names: Sequence[str], *, region: Region | None) -> list[Proposer]:
    """``region``'s CPPCC's proposers with these names, in this order (the same name in another CPPCC is another
    person); unknown names are created there (an organisation when the name ends like one: 委员会, 委会, 支部…)."""
    cleaned = list(dict.fromkeys(name.strip() for name in names if name and name.strip()))
    if not cleaned:
        raise ValidationError({"proposers": _("Name at least one proposer.")})
    found = {proposer.name: proposer for proposer in Proposer.objects.filter(region=region, name__in=cleaned)}
    organisation_endings = ("会", "委", "支部", "组", "党", "联", "社", "盟")
    for name in cleaned:
        if name not in found:
            kind = ProposerKind.ORGANIZATION if name.endswith(organisation_endings) else ProposerKind.MEMBER
            found[name] = Proposer.objects.create(name=name, kind=kind, region=region)
    return [found[name] for name in cleaned]


def set_proposers(proposal: Proposal, proposers: Sequence[Proposer]):
    """Replace the proposal's signatures: the first proposer leads, the rest co-sign in order."""
    proposal.signatures.all().delete()
    Signature.objects.bulk_create(
        Signature(proposal=proposal, proposer=proposer, position=position)
        for position, proposer in enumerate(proposers, start=1)
    )


def _resolve_proposers(proposal: Proposal, proposers: Sequence[Proposer | str]) -> list[Proposer]:
    """Proposers given as objects or as names, of the proposal's CPPCC (unknown names are created there, inside the
    caller's transaction). A proposer named twice signs once, in the first place; blank names are left out."""
    region = proposal.session.region
    names = [proposer for proposer in proposers if isinstance(proposer, str)]
    found = {proposer.name: proposer for proposer in proposers_from_names(names, region=region)} if names else {}
    resolved = [
        found[proposer.strip()] if isinstance(proposer, str) else proposer
        for proposer in proposers
        if not isinstance(proposer, str) or proposer.strip()
    ]
    foreign = [proposer.name for proposer in resolved if proposer.region_id != proposal.session.region_id]
    if foreign:
        raise ValidationError(
            {"proposers": _("Not proposers of this CPPCC: %(names)s.") % {"names": "、".join(foreign)}}
        )
    return list(dict.fromkeys(resolved))


def proposal_submit(*, actor: User, data: dict, proposers: Sequence[Proposer | str], related_projects=()) -> Proposal:
    """Register a proposal as submitted (提交). ``data`` holds its own fields: session, number, title, category,
    content, suggestions, submitted_on, is_key, supervising_leader. ``proposers`` (objects or names, lead first), of
    the session's CPPCC — the actor's own."""
    if not actor.has_perm("proposals.add_proposal"):
        raise ActionForbidden(_("Only the proposal committee registers proposals."))
    with transaction.atomic():
        proposal = Proposal(**data)
        proposal.full_clean()
        require_own_cppcc(actor, proposal)
        proposal._history_user = actor
        proposal.save()
        set_proposers(proposal, _resolve_proposers(proposal, proposers))
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
        proposal = lock(proposal, actor)
        region = proposal.session.region_id
        for field, value in data.items():
            setattr(proposal, field, value)
        if proposal.session_id and proposal.session.region_id != region:
            # Its proposers, units and replies are its CPPCC's: a session of another would hand it over half-way.
            raise ValidationError({"session": _("A proposal stays with its CPPCC: choose one of its sessions.")})
        proposal.full_clean()
        proposal._history_user = actor
        proposal.save()
        if proposers is not None:
            set_proposers(proposal, _resolve_proposers(proposal, proposers))
        if related_projects is not None:
            proposal.related_projects.set(related_projects)
    return proposal


def proposal_archive(*, actor: User, proposal: Proposal) -> Proposal:
    """A proposal registered by mistake is archived (never deleted), but only while it is still just submitted: once
    filed it is handled, not withdrawn."""
    if not actor.has_perm("proposals.delete_proposal"):
        raise ActionForbidden(_("Only the proposal committee archives proposals."))
    with transaction.atomic():
        proposal = lock(proposal, actor)
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
        proposal = lock(proposal, actor)
        if proposal.is_archived:
            proposal.restore(actor)
    return proposal


def proposal_file(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    """立案: the committee accepts the proposal for handling."""
    require_permission(actor, ProposalMove.FILE)
    with transaction.atomic():
        proposal = lock(proposal, actor)
        require_status(proposal, ProposalMove.FILE)
        move(proposal, actor, ProposalMove.FILE, ProposalStatus.FILED, note)
    return proposal


def proposal_not_file(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """不予立案: the proposal is not filed (kept as an opinion); the proposer is told why."""
    require_permission(actor, ProposalMove.NOT_FILE)
    with transaction.atomic():
        proposal = lock(proposal, actor)
        require_status(proposal, ProposalMove.NOT_FILE)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for not filing the proposal.")})
        proposal.not_filed_reason = reason.strip()
        move(proposal, actor, ProposalMove.NOT_FILE, ProposalStatus.NOT_FILED, reason)
    return proposal


def proposal_merge(*, actor: User, proposal: Proposal, into: Proposal, note: str = "") -> Proposal:
    """并案: handled together with ``into``; this proposal's proposers still receive the reply and give feedback."""
    require_permission(actor, ProposalMove.MERGE)
    with transaction.atomic():
        # Both rows, always in the same order, so that two opposite merges wait for each other instead of deadlocking.
        locked = {
            row.pk: row
            for row in Proposal.objects.select_for_update().filter(pk__in=[proposal.pk, into.pk]).order_by("pk")
        }
        proposal, into = locked[proposal.pk], locked[into.pk]
        require_own_cppcc(actor, proposal)
        require_status(proposal, ProposalMove.MERGE)
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
        move(proposal, actor, ProposalMove.MERGE, ProposalStatus.MERGED, f"{text} {note}")
        record(
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
    require_permission(actor, ProposalMove.ASSIGN)
    assigned_on = assigned_on or timezone.localdate()
    co_units, separate_units = list(dict.fromkeys(co_units)), list(dict.fromkeys(separate_units))
    with transaction.atomic():
        proposal = lock(proposal, actor)
        require_status(proposal, ProposalMove.ASSIGN)
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
        region = proposal.session.region_id
        listed = set(handling_units(region).filter(pk__in=[unit.pk for unit in roles]).values_list("pk", flat=True))
        for field, units in (("lead_unit", [lead_unit] if lead_unit else []), ("co_units", co_units)):
            errors.update(_unlisted(field, units, listed, region))
        errors.update(_unlisted("separate_units", separate_units, listed, region))
        if errors:
            raise ValidationError(errors)
        due_date_given = due_date is not None
        due_date = due_date or default_due_date(assigned_on)
        check_due_date(due_date, assigned_on)

        existing = {assignment.unit_id: assignment for assignment in proposal.assignments.select_related("unit")}
        proposal.assignments.exclude(unit__in=list(roles)).delete()
        told = []  # the units newly assigned or given a new role or due date: their liaisons and signers are told
        for unit, role in roles.items():
            assignment = existing.get(unit.pk)
            opinion_due = opinion_due_date(assigned_on, due_date) if role == AssignmentRole.CO else None
            if assignment is None or assignment.role != role or due_date_given:
                told.append(unit)
            if assignment is None:
                Assignment.objects.create(
                    proposal=proposal,
                    unit=unit,
                    role=role,
                    assigned_on=assigned_on,
                    due_date=due_date,
                    original_due_date=due_date,
                    opinion_due_date=opinion_due,
                )
            elif assignment.role != role or due_date_given:
                # A unit given a new role, or a due date the committee set, starts afresh from today's assignment.
                assignment.role = role
                assignment.assigned_on = assigned_on
                assignment.due_date = assignment.original_due_date = due_date
                assignment.opinion_due_date = opinion_due
                assignment.extension_reason = ""
                assignment.save()
        proposal.due_date = max(
            proposal.assignments.filter(role__in=AssignmentRole.replying()).values_list("due_date", flat=True)
        )
        kept = {unit.pk for unit in roles}
        was = [unit_label(assignment.unit) for assignment in existing.values() if assignment.unit_id not in kept]
        lines = [
            f"{AssignmentRole(role).label}: {unit_label(unit)}"
            for role in AssignmentRole.values
            for unit in roles
            if roles[unit] == role
        ]
        lines.append(_("Due %(date)s.") % {"date": proposal.due_date.isoformat()})
        opinion_dues = sorted({a.opinion_due_date for a in proposal.assignments.filter(role=AssignmentRole.CO)})
        if opinion_dues:
            dates = "、".join(day.isoformat() for day in opinion_dues)
            lines.append(_("Co-handling opinions due %(dates)s.") % {"dates": dates})
        if was:
            lines.append(_("No longer assigned: %(units)s.") % {"units": "、".join(was)})
        if note.strip():
            lines.append(note.strip())
        event = move(proposal, actor, ProposalMove.ASSIGN, ProposalStatus.ASSIGNED, "\n".join(lines))
        for unit in told:
            notify(
                members_of([unit], [Role.LIAISON, Role.SIGNER]),
                kind=NotificationKind.ASSIGNMENT,
                title=_("Proposal No. %(number)s assigned to your unit: %(title)s")
                % {"number": proposal.number, "title": proposal.title},
                text=_("%(role)s, due %(date)s.")
                % {
                    "role": AssignmentRole(roles[unit]).label,
                    "date": (
                        opinion_due_date(assigned_on, due_date) if roles[unit] == AssignmentRole.CO else due_date
                    ).isoformat(),
                },
                url=reverse("proposal-detail", args=[proposal.pk]),
                key=f"proposal-assigned:{event.pk}",
            )
    return proposal


def _unlisted(field: str, units: Sequence[Organization], listed: set[int], region: int | None) -> dict:
    """The field's error when some of its units are another region's, or not on the committee's list of handling
    units."""
    foreign = [unit_label(unit) for unit in units if unit.region_id != region]
    if foreign:
        return {
            field: _("Another region's units cannot handle this CPPCC's proposals: %(units)s.")
            % {"units": "、".join(foreign)}
        }
    missing = [unit_label(unit) for unit in units if unit.pk not in listed]
    if not missing:
        return {}
    return {
        field: _("Not on the committee's list of handling units (承办单位名录): %(units)s.")
        % {"units": "、".join(missing)}
    }


def proposal_request_reassign(*, actor: User, proposal: Proposal, reason: str, unit: Organization | None = None):
    """申请调整: an assigned unit says the proposal is not its business. It may not pass it on itself: the committee
    decides by assigning again."""
    with transaction.atomic():
        proposal = lock(proposal, actor)
        assignment = acting_assignment(actor, proposal, unit, ProposalMove.REQUEST_REASSIGN)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say why the proposal is not your unit's business.")})
        note = f"{unit_label(assignment.unit)}: {reason.strip()}"
        move(proposal, actor, ProposalMove.REQUEST_REASSIGN, ProposalStatus.REASSIGN_REQUESTED, note)
    return proposal


def proposal_opinion(
    *,
    actor: User,
    proposal: Proposal,
    opinion: str,
    unit: Organization | None = None,
    opinion_on: datetime.date | None = None,
    files=(),
):
    """A co-handling unit sends its opinion to the lead unit (a note on its assignment) before the lead replies;
    ``files`` are its letter (PDF or OFD), kept with the assignment."""
    with transaction.atomic():
        proposal = lock(proposal, actor)
        assignment = acting_assignment(actor, proposal, unit, ProposalMove.OPINION)
        if not (opinion or "").strip():
            raise ValidationError({"opinion": _("Write the opinion.")})
        files = check_letters(files)
        assignment.opinion = opinion.strip()
        opinion_on = opinion_on or timezone.localdate()
        if opinion_on > timezone.localdate():
            raise ValidationError({"opinion_on": _("An opinion cannot be dated in the future.")})
        assignment.opinion_on = opinion_on
        assignment.save(update_fields=["opinion", "opinion_on", "last_updated"])
        record(
            proposal,
            actor,
            ProposalMove.OPINION,
            f"{unit_label(assignment.unit)}: {assignment.opinion}",
        )
        keep_letters(actor=actor, obj=assignment, kind=AttachmentKind.OPINION_LETTER, files=files)
    return proposal


def assignment_extend(*, actor: User, assignment: Assignment, due_date: datetime.date, reason: str) -> Assignment:
    """The committee approves a later due date for one unit; the reason is recorded. For a co-handling unit it is
    its opinion's due date that moves, and never past the lead unit's reply."""
    require_permission(actor, ProposalMove.EXTEND)
    with transaction.atomic():
        proposal = lock(assignment.proposal, actor)
        assignment = proposal.assignments.select_related("unit").get(pk=assignment.pk)
        require_status(proposal, ProposalMove.EXTEND)
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Give the reason for the extension.")})
        co = assignment.role == AssignmentRole.CO
        previous = assignment.deadline
        if due_date <= previous:
            raise ValidationError({"due_date": _("An extension must move the due date later.")})
        check_due_date(due_date, round_start(proposal, assignment))
        if co:
            lead = proposal.assignments.filter(role=AssignmentRole.LEAD).first()
            if lead is not None and due_date > lead.due_date:
                raise ValidationError(
                    {
                        "due_date": _("An opinion is due before the lead unit's reply: %(date)s at the latest.")
                        % {"date": lead.due_date.isoformat()}
                    }
                )
            assignment.opinion_due_date = due_date
        else:
            assignment.due_date = due_date
        assignment.extension_reason = reason.strip()
        assignment.save(update_fields=["due_date", "opinion_due_date", "extension_reason", "last_updated"])
        if assignment.role in AssignmentRole.replying():
            proposal.due_date = max(proposal.due_date or due_date, due_date)
            proposal.save(update_fields=["due_date", "last_updated"])
        record(
            proposal,
            actor,
            ProposalMove.EXTEND,
            _("%(unit)s: due %(old)s → %(new)s. %(reason)s")
            % {
                "unit": unit_label(assignment.unit),
                "old": previous.isoformat(),
                "new": due_date.isoformat(),
                "reason": assignment.extension_reason,
            },
        )
    return assignment


def proposal_extend(
    *, actor: User, proposal: Proposal, assignment: Assignment, due_date: datetime.date, reason: str
) -> Assignment:
    """The extension as a step on the proposal (the page's form and the API name one of its assignments)."""
    if assignment.proposal_id != proposal.pk:
        raise ValidationError({"assignment": _("This assignment belongs to another proposal.")})
    return assignment_extend(actor=actor, assignment=assignment, due_date=due_date, reason=reason)


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
    Unsatisfied sends the proposal back to its units (重新办理) with a new due date: ``REHANDLING_MONTHS`` after the
    feedback by default, and never earlier than the round's due date (a reply that came early must not shorten the
    time the units have); once every lead proposer (of this proposal and of those merged into it) is satisfied or
    basically satisfied, the proposal is closed.
    """
    require_permission(actor, ProposalMove.FEEDBACK)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose satisfied, basically satisfied or unsatisfied.")})
    today = timezone.localdate()
    with transaction.atomic():
        if proposal.merged_into_id and proposer is None:
            proposer = proposal.lead_proposer
        proposal = lock(proposal.handling_proposal, actor)
        require_status(proposal, ProposalMove.FEEDBACK)
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
            previous = proposal.due_date
            if due_date is None:
                due_date = add_months(today, settings.PROPOSALS["REHANDLING_MONTHS"])
                due_date = max(due_date, previous) if previous else due_date
            elif previous and due_date < previous:
                raise ValidationError(
                    {
                        "due_date": _("The new round cannot be due before the round's due date, %(date)s.")
                        % {"date": previous.isoformat()}
                    }
                )
            check_due_date(due_date, today)
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
            # A new round, not an extension: each unit's due date starts afresh, and a co-handling unit that has not
            # sent its opinion gets a month (``OPINION_MONTHS``) from today.
            proposal.assignments.update(due_date=due_date, original_due_date=due_date, extension_reason="")
            proposal.assignments.filter(role=AssignmentRole.CO, opinion_on__isnull=True).update(
                opinion_due_date=opinion_due_date(today, due_date)
            )
            note += "\n" + _("Handled again, due %(date)s.") % {"date": due_date.isoformat()}
            move(proposal, actor, ProposalMove.FEEDBACK, ProposalStatus.REHANDLING, note)
            return feedback
        answered = set(proposal.feedbacks.filter(round=proposal.round).values_list("proposer_id", flat=True))
        if all(party.pk in answered for party in parties):
            move(proposal, actor, ProposalMove.FEEDBACK, ProposalStatus.CLOSED, note)
        else:
            record(
                proposal,
                actor,
                ProposalMove.FEEDBACK,
                note,
            )
    return feedback


def proposal_close(*, actor: User, proposal: Proposal, note: str = "") -> Proposal:
    """办结 without (all) feedback, for instance when the proposer has not returned the feedback form in time."""
    require_permission(actor, ProposalMove.CLOSE)
    with transaction.atomic():
        proposal = lock(proposal, actor)
        require_status(proposal, ProposalMove.CLOSE)
        move(proposal, actor, ProposalMove.CLOSE, ProposalStatus.CLOSED, note)
    return proposal
