"""The replies' moves. Nobody grades their own homework:

- the assigned unit's liaison drafts the reply (``reply_save_draft``): saved, editable by the unit, seen by nobody
  else and counted nowhere;
- the unit's signer (单位签发人, a user of the same unit with the signer role) signs it off (``reply_sign_off``),
  which issues it and moves the proposal as a reply does, or returns it with a note (``reply_return``); office staff
  reply for no unit;
- a unit that answered on paper has its reply recorded by the committee's staff (``reply_record``, 代录), issued at
  the sign-off date the committee enters;
- publishing a reply on the public pages, or taking it down, is the committee's decision (``reply_publish``,
  ``reply_withdraw``), each a step on the timeline.

The letter's date (``issued_on``) may not precede the round (the unit's assignment, or the day the proposal went
back for rehandling) nor lie in the future; whether the reply came on time is judged by the sign-off
(``signed_off_on``), see ``proposals.querysets``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from attachments.choices import AttachmentKind
from common.exceptions import ActionForbidden, WorkflowError

from .. import letters
from ..choices import AssignmentRole, ProposalMove, ProposalStatus, ReplyStatus
from ..models import Assignment, Proposal, Reply, ResultClass
from .base import acting_assignment, lock, move, record, require_permission, require_status, round_start, unit_label
from .letter_files import check_letters, keep_letters

LETTER_FIELDS = ("doc_number", "signer", "contact_person", "contact_phone", "cc")


def _check_letter_date(issued_on: datetime.date | None, start: datetime.date, field: str = "issued_on"):
    if issued_on is None:
        return
    if issued_on > timezone.localdate():
        raise ValidationError({field: _("A reply cannot be dated in the future.")})
    if issued_on < start:
        raise ValidationError(
            {field: _("A reply cannot be dated before the unit's assignment, %(date)s.") % {"date": start.isoformat()}}
        )


def _current_reply(proposal: Proposal, unit: Organization) -> Reply | None:
    return proposal.replies.select_for_update().filter(unit=unit, round=proposal.round).first()


def _fill(reply: Reply, *, text: str, result_class: ResultClass, issued_on, **letter):
    reply.text = (text or "").strip()
    count = len(letters.paragraphs(reply.text))
    if count > letters.MAX_PARAGRAPHS:
        raise ValidationError(
            {
                "text": _("A reply letter has at most %(limit)s paragraphs (lines); this one has %(count)s.")
                % {"limit": letters.MAX_PARAGRAPHS, "count": count}
            }
        )
    reply.result_class = result_class
    reply.issued_on = issued_on
    for name in LETTER_FIELDS:
        reply_value = letter.get(name)
        setattr(reply, name, (reply_value or "").strip())


def missing_opinions(proposal: Proposal) -> list[Assignment]:
    """The co-handling units whose opinion the lead unit has not received: it is warned when it signs off before."""
    return list(
        proposal.assignments.filter(role=AssignmentRole.CO, opinion_on__isnull=True)
        .select_related("unit")
        .order_by("unit__name")
    )


def sign_off_warnings(reply: Reply) -> list[str]:
    """What the lead unit is told when it signs off (or is about to): the co-handling opinions still missing."""
    if reply.unit_id is None:
        return []
    lead = reply.proposal.assignments.filter(unit_id=reply.unit_id, role=AssignmentRole.LEAD).exists()
    missing = missing_opinions(reply.proposal) if lead else []
    if not missing:
        return []
    return [
        _("The co-handling opinion of %(units)s (due %(dates)s) has not come in yet.")
        % {
            "units": "、".join(unit_label(a.unit) for a in missing),
            "dates": "、".join(sorted({a.opinion_due_date.isoformat() for a in missing if a.opinion_due_date})),
        }
    ]


def _issue(proposal: Proposal, reply: Reply, actor: User, step: str, note: str):
    """The reply now counts: once every lead or separate unit has an issued reply in the round, the proposal is
    replied and waits for the proposers' feedback."""
    reply.full_clean()
    reply._history_user = actor
    reply.save()
    outstanding = (
        proposal.assignments.filter(role__in=AssignmentRole.replying())
        .exclude(unit__in=proposal.replies.issued().filter(round=proposal.round).values("unit"))
        .exists()
    )
    if outstanding:
        record(proposal, actor, step, note)
    else:
        move(proposal, actor, step, ProposalStatus.REPLIED, note)


def _note(reply: Reply) -> str:
    return _("%(unit)s, class %(code)s%(doc)s") % {
        "unit": unit_label(reply.unit),
        "code": reply.result_class.code,
        "doc": f", {reply.doc_number}" if reply.doc_number else "",
    }


def reply_save_draft(
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
) -> Reply:
    """起草: the unit's liaison (or signer) writes the reply of its own unit for the current round, or changes the
    draft; it then waits for the unit's signer. Not issued, not public, counted nowhere."""
    with transaction.atomic():
        proposal = lock(proposal, actor)
        assignment = acting_assignment(actor, proposal, unit, ProposalMove.DRAFT_REPLY)
        reply = _current_reply(proposal, assignment.unit)
        if reply is not None and reply.is_issued:
            raise WorkflowError(_("Your unit has already replied to this proposal in this round."))
        _check_letter_date(issued_on, round_start(proposal, assignment))
        resubmitted = reply is None or reply.status == ReplyStatus.RETURNED
        if reply is None:
            reply = Reply(proposal=proposal, unit=assignment.unit, round=proposal.round, created_by=actor)
        _fill(
            reply,
            text=text,
            result_class=result_class,
            issued_on=issued_on,
            doc_number=doc_number,
            signer=signer,
            contact_person=contact_person,
            contact_phone=contact_phone,
            cc=cc,
        )
        reply.status = ReplyStatus.DRAFT
        reply.return_note = ""
        reply.full_clean()
        reply._history_user = actor
        reply.save()
        if resubmitted:
            record(
                proposal,
                actor,
                ProposalMove.DRAFT_REPLY,
                _("%(unit)s: awaiting sign-off") % {"unit": unit_label(assignment.unit)},
            )
    return reply


def _draft_to_sign(actor: User, proposal: Proposal, unit: Organization | None, step: str) -> tuple[Assignment, Reply]:
    assignment = acting_assignment(actor, proposal, unit, step)
    reply = _current_reply(proposal, assignment.unit)
    if reply is None or reply.status != ReplyStatus.DRAFT:
        if reply is not None and reply.is_issued:
            raise WorkflowError(_("Your unit has already replied to this proposal in this round."))
        raise WorkflowError(_("Your unit has no reply draft awaiting sign-off on this proposal."))
    return assignment, reply


def reply_sign_off(*, actor: User, proposal: Proposal, unit: Organization | None = None, files=()) -> Reply:
    """签发: the unit's signer issues its unit's draft. It counts from now, on time when today is no later than the
    unit's due date; a letter left undated takes today's date. The lead unit is warned (``sign_off_warnings``) when
    co-handling opinions are still missing.

    ``files``: the letter as signed and stamped (PDF or OFD); a refused file refuses the sign-off. The server's PDF of
    the letter is kept with the reply too (``letter_files``)."""
    with transaction.atomic():
        proposal = lock(proposal, actor)
        assignment, reply = _draft_to_sign(actor, proposal, unit, ProposalMove.REPLY)
        files = check_letters(files)
        today = timezone.localdate()
        _check_letter_date(reply.issued_on, round_start(proposal, assignment))
        reply.status = ReplyStatus.ISSUED
        reply.issued_on = reply.issued_on or today
        reply.signed_off_on = today
        reply.signed_off_at = timezone.now()
        reply.signed_off_by = actor
        reply.due_date = assignment.due_date
        _issue(proposal, reply, actor, ProposalMove.REPLY, _note(reply))
        keep_letters(actor=actor, obj=reply, kind=AttachmentKind.REPLY_LETTER, files=files, with_letter_pdf=True)
    return reply


def reply_return(*, actor: User, proposal: Proposal, note: str, unit: Organization | None = None) -> Reply:
    """The unit's signer sends the draft back to the drafter with a note; it waits until the drafter saves it
    again."""
    with transaction.atomic():
        proposal = lock(proposal, actor)
        assignment, reply = _draft_to_sign(actor, proposal, unit, ProposalMove.RETURN_REPLY)
        if not (note or "").strip():
            raise ValidationError({"note": _("Say what the drafter should change.")})
        reply.status = ReplyStatus.RETURNED
        reply.return_note = note.strip()
        reply._history_user = actor
        reply.save()
        record(proposal, actor, ProposalMove.RETURN_REPLY, f"{unit_label(assignment.unit)}: {reply.return_note}")
    return reply


def reply_record(
    *,
    actor: User,
    proposal: Proposal,
    unit: Organization,
    text: str,
    result_class: ResultClass,
    signed_off_on: datetime.date,
    issued_on: datetime.date | None = None,
    doc_number: str = "",
    signer: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    cc: str = "",
    files=(),
) -> Reply:
    """代录: the committee's staff record the reply a unit answered on paper. It counts as issued on the sign-off date
    the committee enters (not later than today, not before the round), is marked as recorded on the unit's behalf,
    by whom and when, and takes the place of any draft the unit had started.

    ``files``: the paper reply as scanned (PDF or OFD); the server's PDF of the recorded letter is kept too."""
    require_permission(actor, ProposalMove.RECORD_REPLY)
    with transaction.atomic():
        proposal = lock(proposal, actor)
        require_status(proposal, ProposalMove.RECORD_REPLY)
        files = check_letters(files)
        assignment = proposal.assignments.filter(unit=unit).select_related("unit").first()
        if assignment is None or assignment.role not in AssignmentRole.replying():
            raise ValidationError({"unit": _("This unit is not assigned this proposal as a lead or separate unit.")})
        reply = _current_reply(proposal, unit)
        if reply is not None and reply.is_issued:
            raise WorkflowError(_("%(unit)s has already replied in this round.") % {"unit": unit_label(unit)})
        start = round_start(proposal, assignment)
        if signed_off_on is None:
            raise ValidationError({"signed_off_on": _("Enter the date the unit signed the reply off.")})
        _check_letter_date(signed_off_on, start, field="signed_off_on")
        issued_on = issued_on or signed_off_on
        _check_letter_date(issued_on, start)
        if issued_on > signed_off_on:
            raise ValidationError({"issued_on": _("The letter cannot be dated after its sign-off.")})
        if reply is None:
            reply = Reply(proposal=proposal, unit=unit, round=proposal.round, created_by=actor)
        _fill(
            reply,
            text=text,
            result_class=result_class,
            issued_on=issued_on,
            doc_number=doc_number,
            signer=signer,
            contact_person=contact_person,
            contact_phone=contact_phone,
            cc=cc,
        )
        reply.status = ReplyStatus.ISSUED
        reply.return_note = ""
        reply.on_behalf = True
        reply.signed_off_on = signed_off_on
        reply.signed_off_at = timezone.now()
        reply.signed_off_by = actor
        reply.due_date = assignment.due_date
        note = _("%(reply)s; signed off %(date)s, recorded on the unit's behalf") % {
            "reply": _note(reply),
            "date": signed_off_on.isoformat(),
        }
        _issue(proposal, reply, actor, ProposalMove.RECORD_REPLY, note)
        keep_letters(actor=actor, obj=reply, kind=AttachmentKind.REPLY_LETTER, files=files, with_letter_pdf=True)
    return reply


def _lock_reply(reply: Reply, actor: User) -> tuple[Proposal, Reply]:
    proposal = lock(reply.proposal, actor)
    return proposal, proposal.replies.select_for_update().select_related("unit").get(pk=reply.pk)


def reply_publish(*, actor: User, reply: Reply) -> Reply:
    """The committee publishes an issued reply of the current round on the public pages (without the contact)."""
    if not actor.has_perm("proposals.handle_proposal"):
        raise ActionForbidden(_("Publishing a reply is the proposal committee's decision."))
    with transaction.atomic():
        proposal, reply = _lock_reply(reply, actor)
        if proposal.is_archived:
            raise WorkflowError(_("The proposal is archived: restore it first."))
        if not reply.is_issued:
            raise WorkflowError(_("Only an issued reply can be published."))
        if reply.round < proposal.round:
            raise WorkflowError(_("This reply was superseded by the rehandling: it is not published."))
        if reply.is_public:
            raise WorkflowError(_("This reply is already published."))
        reply.is_public = True
        reply._history_user = actor
        reply.save(update_fields=["is_public", "last_updated"])
        record(proposal, actor, ProposalMove.PUBLISH_REPLY, _note(reply))
    return reply


def reply_withdraw(*, actor: User, reply: Reply, note: str = "") -> Reply:
    """The committee takes a published reply off the public pages."""
    if not actor.has_perm("proposals.handle_proposal"):
        raise ActionForbidden(_("Publishing a reply is the proposal committee's decision."))
    with transaction.atomic():
        proposal, reply = _lock_reply(reply, actor)
        if not reply.is_public:
            raise WorkflowError(_("This reply is not published."))
        reply.is_public = False
        reply._history_user = actor
        reply.save(update_fields=["is_public", "last_updated"])
        text = _note(reply) + (f"\n{note.strip()}" if note and note.strip() else "")
        record(proposal, actor, ProposalMove.WITHDRAW_REPLY, text)
    return reply


def reply_set_public(*, actor: User, reply: Reply, is_public: bool) -> Reply:
    """The API's ``is_public`` field: publish or withdraw, when it changes anything."""
    if bool(is_public) == reply.is_public:
        if not actor.has_perm("proposals.handle_proposal"):
            raise ActionForbidden(_("Publishing a reply is the proposal committee's decision."))
        return reply
    return (reply_publish if is_public else reply_withdraw)(actor=actor, reply=reply)
