"""领导批示: a leader's instruction on a project, a proposal or a notice, naming the units and a date. Entered by the
leader, or — as is usual — recorded by office or committee staff on the leader's behalf (代录); the units report
what they did; the office (the committee, on a proposal) marks it carried out."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organization, User
from attachments import services as attachments
from common.exceptions import ActionForbidden, WorkflowError
from notifications.choices import NotificationKind
from projects.models import Project
from proposals.models import Proposal

from ..choices import InstructionStatus, Step
from ..models import Instruction, Notice
from .base import (
    check_deadline,
    check_units,
    is_issuing_side,
    issuing_side,
    record,
    require_unit,
    required_text,
    send,
    subject_region,
    unit_people,
)


def _about_proposals(subject) -> bool:
    return isinstance(subject, Proposal) or (isinstance(subject, Notice) and subject.proposal_id is not None)


def tracking_subject(subject):
    """What decides who tracks an instruction: a notice's own project or proposal."""
    return subject.subject if isinstance(subject, Notice) else subject


def instruction_give(
    *,
    actor: User,
    subject,
    text: str,
    units: list[Organization],
    due_date: datetime.date,
    given_on: datetime.date | None = None,
    leader: User | None = None,
) -> Instruction:
    """Record an instruction: the leader's own (``leader`` is the actor) or on the leader's behalf."""
    today = timezone.localdate()
    if leader is None or leader.pk == actor.pk:
        if not actor.has_role(Role.LEADER) or not actor.has_perm("supervision.add_instruction"):
            raise ActionForbidden(_("Only a leader gives instructions; staff record them naming the leader."))
        if not actor.region_scope.allows(subject, "view"):
            raise ActionForbidden(_("This is not in your region."))
        leader = actor
    else:
        if not actor.has_perm("supervision.add_instruction") or not is_issuing_side(actor, tracking_subject(subject)):
            raise ActionForbidden(_("Only office or committee staff of its own region record instructions."))
        if not (leader.is_active and leader.has_role(Role.LEADER) and leader.region_scope.allows(subject, "view")):
            raise ValidationError(
                {"leader": _("%(name)s is not a leader of this region.") % {"name": leader.display_name}}
            )
    text = required_text(text, "text", _("Write the instruction."))
    given_on = given_on or today
    if given_on > today or given_on < today - datetime.timedelta(days=366):
        raise ValidationError({"given_on": _("The instruction's date must lie within the past year.")})
    check_deadline(due_date, "due_date", start=given_on)
    region = subject_region(subject)
    units = check_units(units, region)
    with transaction.atomic():
        instruction = Instruction.objects.create(
            region=region,
            project=subject if isinstance(subject, Project) else None,
            proposal=subject if isinstance(subject, Proposal) else None,
            notice=subject if isinstance(subject, Notice) else None,
            leader=leader,
            recorded_by=actor,
            text=text,
            given_on=given_on,
            due_date=due_date,
        )
        instruction.units.set(units)
        record(
            actor=actor,
            step=Step.INSTRUCT,
            note=text,
            instruction=instruction,
            on_behalf_of=leader if leader.pk != actor.pk else None,
        )
        send(
            unit_people([unit.pk for unit in units])
            + issuing_side(region, proposal=_about_proposals(subject))
            + [leader],
            actor=actor,
            kind=NotificationKind.INSTRUCTION,
            title=_("Instruction of %(leader)s on %(subject)s: carry out by %(date)s")
            % {"leader": leader.display_name, "subject": subject, "date": due_date.isoformat()},
            text=text,
            url=instruction.get_absolute_url(),
            key=f"instruction:{instruction.pk}:given",
        )
    return instruction


def _lock(instruction: Instruction) -> Instruction:
    return Instruction.objects.select_for_update().get(pk=instruction.pk)


def instruction_report(*, actor: User, instruction: Instruction, text: str, files=()) -> Instruction:
    """A named unit reports what it did, with evidence."""
    require_unit(actor, instruction.units.values_list("pk", flat=True), "supervision.report_instruction")
    text = required_text(text, "text", _("Say what the unit did."))
    with transaction.atomic():
        instruction = _lock(instruction)
        if instruction.status != InstructionStatus.OPEN:
            raise WorkflowError(_("The instruction has been marked carried out."))
        event = record(actor=actor, step=Step.REPORT, note=text, instruction=instruction)
        if files:
            attachments.attach(actor=actor, obj=instruction, files=files, check_permission=False)
        send(
            issuing_side(instruction.region, proposal=_about_proposals(instruction.subject)),
            actor=actor,
            kind=NotificationKind.INSTRUCTION,
            title=_("%(unit)s reported on the instruction of %(leader)s")
            % {"unit": actor.organization, "leader": instruction.leader.display_name},
            text=text,
            url=instruction.get_absolute_url(),
            key=f"instruction:{instruction.pk}:report:{event.pk}",
        )
    return instruction


def instruction_carry_out(*, actor: User, instruction: Instruction, note: str = "") -> Instruction:
    """The office (the committee, on a proposal) marks the instruction carried out; the leader is told."""
    if not actor.has_perm("supervision.change_instruction") or not is_issuing_side(
        actor, tracking_subject(instruction.subject)
    ):
        raise ActionForbidden(_("Only office or committee staff of its own region mark an instruction carried out."))
    with transaction.atomic():
        instruction = _lock(instruction)
        if instruction.status != InstructionStatus.OPEN:
            raise WorkflowError(_("The instruction has already been marked carried out."))
        instruction.status, instruction.carried_out_at = InstructionStatus.DONE, timezone.now()
        instruction.save(update_fields=["status", "carried_out_at"])
        record(actor=actor, step=Step.CARRY_OUT, note=note, instruction=instruction)
        send(
            [instruction.leader, *unit_people(instruction.units.values_list("pk", flat=True))],
            actor=actor,
            kind=NotificationKind.INSTRUCTION,
            title=_("Instruction of %(date)s carried out") % {"date": instruction.given_on.isoformat()},
            text=note or instruction.text,
            url=instruction.get_absolute_url(),
            key=f"instruction:{instruction.pk}:done",
        )
    return instruction
