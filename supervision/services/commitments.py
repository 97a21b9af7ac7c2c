"""办理承诺: what a reply of class B (or A, where it promises work) promised and by when, optionally linked to the
portfolio projects that carry it out. It stays open after the proposal is closed; the unit reports it done, and only
the committee confirms it fulfilled (nobody grades their own homework). A linked project's moves are told to the
committee and, by text message, to the proposers who consented (``project_moved``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from attachments import services as attachments
from common.exceptions import ActionForbidden, WorkflowError
from notifications.choices import NotificationKind
from notifications.services import queue_text_message
from projects.models import Project
from proposals.models import Reply

from ..choices import CommitmentStatus, Step
from ..models import Commitment, ProposerContact
from .base import (
    MAX_PROMISE_YEARS,
    check_deadline,
    issuing_side,
    record,
    require_unit,
    required_text,
    send,
    unit_people,
)

# The result classes whose replies promise work (列入计划拟解决 B; A where the solution is still being carried out).
PROMISING_CLASSES = ("A", "B")


def may_confirm(actor: User, commitment: Commitment) -> bool:
    return actor.has_perm("supervision.confirm_commitment") and actor.region_scope.allows(commitment, "change")


def commitment_record(*, actor: User, reply: Reply, text: str, due_date: datetime.date, projects=()) -> Commitment:
    """Record a promise of an issued reply: by the reply's own unit, or by the committee (代录)."""
    proposal = reply.proposal
    committee = actor.has_perm("supervision.confirm_commitment") and actor.region_scope.allows(proposal, "change")
    if not committee:
        require_unit(actor, [reply.unit_id], "supervision.add_commitment")
    if not reply.is_issued:
        raise WorkflowError(_("Only an issued reply's promises are recorded."))
    if reply.result_class is None or reply.result_class.code not in PROMISING_CLASSES:
        raise WorkflowError(_("Only replies of class A or B promise work."))
    text = required_text(text, "text", _("Say what was promised."))
    issued = reply.issued_on or timezone.localdate()
    check_deadline(due_date, "due_date", start=issued, years=MAX_PROMISE_YEARS)
    projects = list(dict.fromkeys(projects))
    if len(projects) > 20:
        raise ValidationError({"projects": _("At most 20 projects.")})
    readable = set(actor.scope(Project.objects.filter(pk__in=[p.pk for p in projects])).values_list("pk", flat=True))
    hidden = [str(project) for project in projects if project.pk not in readable]
    if hidden:
        raise ValidationError({"projects": _("Not your region's projects: %(names)s.") % {"names": "、".join(hidden)}})
    with transaction.atomic():
        Reply.objects.select_for_update().filter(pk=reply.pk).exists()
        commitment = Commitment.objects.create(
            region=proposal.session.region,
            reply=reply,
            unit=reply.unit,
            text=text,
            due_date=due_date,
            recorded_by=actor,
        )
        commitment.projects.set(projects)
        record(actor=actor, step=Step.PROMISE, note=text, commitment=commitment)
        send(
            issuing_side(commitment.region, proposal=True) + unit_people([reply.unit_id]),
            actor=actor,
            kind=NotificationKind.COMMITMENT,
            title=_("Promise recorded on proposal %(number)s: by %(date)s")
            % {"number": proposal.number, "date": due_date.isoformat()},
            text=text,
            url=commitment.get_absolute_url(),
            key=f"commitment:{commitment.pk}:recorded",
        )
    return commitment


def _lock(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update(of=("self",)).select_related("reply__proposal").get(pk=commitment.pk)


def commitment_report(*, actor: User, commitment: Commitment, text: str, files=()) -> Commitment:
    """The unit reports the promise kept, with evidence; the committee then confirms it or sends it back."""
    require_unit(actor, [commitment.unit_id], "supervision.add_commitment")
    text = required_text(text, "text", _("Say what was done."))
    with transaction.atomic():
        commitment = _lock(commitment)
        if commitment.status != CommitmentStatus.OPEN:
            raise WorkflowError(
                _("The promise is %(status)s: this step is not possible now.")
                % {"status": commitment.get_status_display()}
            )
        commitment.status = CommitmentStatus.CLAIMED
        commitment.save(update_fields=["status"])
        event = record(actor=actor, step=Step.REPORT, note=text, commitment=commitment)
        if files:
            attachments.attach(actor=actor, obj=commitment, files=files, check_permission=False)
        send(
            issuing_side(commitment.region, proposal=True),
            actor=actor,
            kind=NotificationKind.COMMITMENT,
            title=_("%(unit)s reports a promise kept: confirm it") % {"unit": commitment.unit},
            text=text,
            url=commitment.get_absolute_url(),
            key=f"commitment:{commitment.pk}:report:{event.pk}",
        )
    return commitment


def commitment_confirm(*, actor: User, commitment: Commitment, note: str = "") -> Commitment:
    """The committee confirms the promise fulfilled (from the unit's report, or from what it saw itself)."""
    if not may_confirm(actor, commitment):
        raise ActionForbidden(_("Only the committee of the proposal's own CPPCC confirms a promise fulfilled."))
    with transaction.atomic():
        commitment = _lock(commitment)
        if commitment.status == CommitmentStatus.FULFILLED:
            raise WorkflowError(_("The promise has already been confirmed fulfilled."))
        commitment.status, commitment.fulfilled_at = CommitmentStatus.FULFILLED, timezone.now()
        commitment.save(update_fields=["status", "fulfilled_at"])
        record(actor=actor, step=Step.CONFIRM, note=note, commitment=commitment)
        send(
            unit_people([commitment.unit_id]),
            actor=actor,
            kind=NotificationKind.COMMITMENT,
            title=_("Promise confirmed fulfilled: %(text)s") % {"text": commitment.text[:40]},
            text=note,
            url=commitment.get_absolute_url(),
            key=f"commitment:{commitment.pk}:fulfilled",
        )
        _text_proposers(commitment, "fulfilled", {"promise": commitment.text[:40]}, f"fulfilled:{commitment.pk}")
    return commitment


def commitment_return(*, actor: User, commitment: Commitment, reason: str) -> Commitment:
    """The committee does not accept the unit's report: the promise is open again, with the reason."""
    if not may_confirm(actor, commitment):
        raise ActionForbidden(_("Only the committee of the proposal's own CPPCC confirms a promise fulfilled."))
    reason = required_text(reason, "reason", _("Give the reason for sending the report back."))
    with transaction.atomic():
        commitment = _lock(commitment)
        if commitment.status != CommitmentStatus.CLAIMED:
            raise WorkflowError(_("Only a promise reported kept can be sent back."))
        commitment.status = CommitmentStatus.OPEN
        commitment.save(update_fields=["status"])
        event = record(actor=actor, step=Step.RETURN, note=reason, commitment=commitment)
        send(
            unit_people([commitment.unit_id]),
            actor=actor,
            kind=NotificationKind.COMMITMENT,
            title=_("Your report on a promise was sent back"),
            text=reason,
            url=commitment.get_absolute_url(),
            key=f"commitment:{commitment.pk}:return:{event.pk}",
        )
    return commitment


def _text_proposers(commitment: Commitment, template: str, params: dict, key: str):
    """A text message to each of the proposal's proposers whose mobile number and consent the committee recorded."""
    proposal = commitment.reply.proposal
    contacts = ProposerContact.objects.filter(
        proposer__in=proposal.signatures.values("proposer"), consent_on__isnull=False
    ).select_related("proposer")
    for contact in contacts:
        queue_text_message(
            contact.mobile,
            kind=NotificationKind.COMMITMENT,
            params={"proposal": proposal.number, "event": template, **params},
            key=f"sms:{key}:{contact.proposer_id}",
        )


def project_moved(*, project: Project, actor: User | None, what: str, text: str) -> list[Commitment]:
    """A linked project moved: each unfulfilled promise it carries records the move in its timeline, the committee
    is told, and the consenting proposers get a text message."""
    moved = []
    for commitment in Commitment.objects.unfulfilled().filter(projects=project).select_related("reply__proposal"):
        note = f"{project.code} {project.name}：{text}"
        event = record(actor=actor, step=Step.PROJECT_MOVED, note=note, commitment=commitment)
        send(
            issuing_side(commitment.region, proposal=True),
            actor=None,
            kind=NotificationKind.COMMITMENT,
            title=_("A project carrying a promise on proposal %(number)s moved")
            % {"number": commitment.reply.proposal.number},
            text=note,
            url=commitment.get_absolute_url(),
            key=f"commitment:{commitment.pk}:moved:{event.pk}",
        )
        _text_proposers(commitment, what, {"project": project.name[:20]}, f"moved:{event.pk}")
        moved.append(commitment)
    return moved
