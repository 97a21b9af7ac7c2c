"""督办单: issued by the office (on a project) or the committee (on a proposal) to the responsible unit; the unit
acknowledges and answers, with evidence; the issuing side accepts or sends it back. Blue when issued, yellow when its
deadline has passed unanswered by ``ESCALATE_AFTER_WORKING_DAYS`` (``escalate_overdue``, run daily), red only by a
leader's decision (``notice_hang_red``)."""

import datetime

from django.conf import settings
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
from workdays.working_days import add_working_days

from ..choices import NoticeLevel, NoticeStatus, Step
from ..models import Notice
from .base import (
    check_deadline,
    issuing_side,
    record,
    require_issuing_side,
    require_unit,
    required_text,
    send,
    subject_region,
    unit_people,
)


def responsible_units(subject) -> list[int]:
    """The units a notice on ``subject`` may go to: a project's lead and participating units, a proposal's assigned
    units of its current round."""
    if isinstance(subject, Project):
        return [subject.lead_org_id, *subject.participating_orgs.values_list("pk", flat=True)]
    return list(subject.assignments.values_list("unit_id", flat=True))


def _lock_subject(subject):
    model = type(subject)
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.select_for_update().get(pk=subject.pk)


def notice_issue(
    *, actor: User, unit: Organization, text: str, deadline: datetime.date, project=None, proposal=None, files=()
) -> Notice:
    """Issue a notice; refused (409) while the unit has an open notice on the same project or proposal."""
    if (project is None) == (proposal is None):
        raise ValidationError(_("Name either a project or a proposal."))
    subject = project or proposal
    if not actor.has_perm("supervision.add_notice"):
        raise ActionForbidden(_("Only office staff and the proposal committee issue supervision notices."))
    require_issuing_side(actor, subject)
    text = required_text(text, "text", _("Say what the unit must do."))
    check_deadline(deadline, "deadline")
    with transaction.atomic():
        subject = _lock_subject(subject)
        if getattr(subject, "is_archived", False):
            raise WorkflowError(_("%(subject)s is archived.") % {"subject": subject})
        if unit.pk not in responsible_units(subject):
            raise ValidationError(
                {"unit": _("%(unit)s is not responsible for %(subject)s.") % {"unit": unit, "subject": subject}}
            )
        open_notice = Notice.objects.open().filter(unit=unit, project=project, proposal=proposal).first()
        if open_notice is not None:
            raise WorkflowError(
                _("%(unit)s already has an open notice on this (%(number)s): follow that one up.")
                % {"unit": unit, "number": open_notice.number}
            )
        notice = Notice.objects.create(
            region=subject_region(subject),
            project=project,
            proposal=proposal,
            unit=unit,
            text=text,
            deadline=deadline,
            issued_by=actor,
        )
        record(actor=actor, step=Step.ISSUE, note=text, notice=notice)
        if files:
            attachments.attach(actor=actor, obj=notice, files=files, check_permission=False)
        send(
            unit_people([unit.pk]),
            actor=actor,
            kind=NotificationKind.NOTICE,
            title=_("Supervision notice %(number)s: answer by %(date)s")
            % {"number": notice.number, "date": deadline.isoformat()},
            text=f"{subject}：{text}",
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:issued",
        )
    return notice


def _lock(notice: Notice) -> Notice:
    # Only the notice's row: PostgreSQL refuses FOR UPDATE across the outer joins of its optional project and proposal.
    return (
        Notice.objects.select_for_update(of=("self",)).select_related("project", "proposal", "unit").get(pk=notice.pk)
    )


def _require_status(notice: Notice, statuses, message=None):
    if notice.status not in statuses:
        raise WorkflowError(
            message
            or _("The notice is %(status)s: this step is not possible now.") % {"status": notice.get_status_display()}
        )


def notice_acknowledge(*, actor: User, notice: Notice) -> Notice:
    """签收: the unit has seen the notice."""
    require_unit(actor, [notice.unit_id], "supervision.answer_notice")
    with transaction.atomic():
        notice = _lock(notice)
        _require_status(notice, [NoticeStatus.ISSUED])
        notice.status = NoticeStatus.ACKNOWLEDGED
        notice.save(update_fields=["status"])
        record(actor=actor, step=Step.ACKNOWLEDGE, notice=notice)
    return notice


def notice_answer(*, actor: User, notice: Notice, text: str, files=()) -> Notice:
    """The unit says what it did, with its evidence; the issuing side then accepts or sends it back."""
    require_unit(actor, [notice.unit_id], "supervision.answer_notice")
    text = required_text(text, "text", _("Say what the unit did."))
    with transaction.atomic():
        notice = _lock(notice)
        _require_status(notice, NoticeStatus.awaiting_unit())
        now = timezone.now()
        notice.status, notice.answer, notice.answered_at = NoticeStatus.ANSWERED, text, now
        notice.first_answered_at = notice.first_answered_at or now
        notice.save(update_fields=["status", "answer", "answered_at", "first_answered_at"])
        event = record(actor=actor, step=Step.ANSWER, note=text, notice=notice)
        if files:
            attachments.attach(actor=actor, obj=notice, files=files, check_permission=False)
        send(
            [*issuing_side(notice.region, proposal=notice.proposal_id is not None), notice.issued_by],
            actor=actor,
            kind=NotificationKind.NOTICE,
            title=_("%(unit)s answered notice %(number)s") % {"unit": notice.unit, "number": notice.number},
            text=text,
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:answer:{event.pk}",
        )
    return notice


def notice_accept(*, actor: User, notice: Notice, note: str = "") -> Notice:
    """办结: the issuing side accepts the answer; the notice closes."""
    require_issuing_side(actor, notice.subject)
    with transaction.atomic():
        notice = _lock(notice)
        _require_status(notice, [NoticeStatus.ANSWERED], _("Only an answered notice can be accepted."))
        notice.status, notice.closed_at = NoticeStatus.CLOSED, timezone.now()
        notice.save(update_fields=["status", "closed_at"])
        record(actor=actor, step=Step.ACCEPT, note=note, notice=notice)
        send(
            unit_people([notice.unit_id]),
            actor=actor,
            kind=NotificationKind.NOTICE,
            title=_("Notice %(number)s closed") % {"number": notice.number},
            text=note,
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:closed",
        )
    return notice


def notice_return(*, actor: User, notice: Notice, reason: str) -> Notice:
    """The issuing side sends the answer back with its reason; the unit answers again."""
    require_issuing_side(actor, notice.subject)
    reason = required_text(reason, "reason", _("Give the reason for sending the answer back."))
    with transaction.atomic():
        notice = _lock(notice)
        _require_status(notice, [NoticeStatus.ANSWERED], _("Only an answered notice can be sent back."))
        notice.status = NoticeStatus.RETURNED
        notice.save(update_fields=["status"])
        event = record(actor=actor, step=Step.RETURN, note=reason, notice=notice)
        send(
            unit_people([notice.unit_id]),
            actor=actor,
            kind=NotificationKind.NOTICE,
            title=_("Your answer to notice %(number)s was sent back") % {"number": notice.number},
            text=reason,
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:return:{event.pk}",
        )
    return notice


def notice_hang_red(*, actor: User, notice: Notice, leader: User | None = None, note: str = "") -> Notice:
    """挂牌督办: a leader's decision, recorded by the leader or by the issuing side's staff on the leader's behalf
    (naming the leader). Never a timer."""
    if actor.has_perm("supervision.escalate_notice") and (leader is None or leader.pk == actor.pk):
        leader = actor
        if not actor.region_scope.allows(notice, "view"):
            raise ActionForbidden(_("This notice is not in your region."))
    else:
        require_issuing_side(actor, notice.subject)
        if leader is None:
            raise ValidationError({"leader": _("Name the leader who decided it.")})
        if not (leader.is_active and leader.has_role(Role.LEADER) and leader.region_scope.allows(notice, "view")):
            raise ValidationError(
                {"leader": _("%(name)s is not a leader of this region.") % {"name": leader.display_name}}
            )
    with transaction.atomic():
        notice = _lock(notice)
        _require_status(notice, NoticeStatus.open(), _("Only an open notice can be listed for supervision."))
        if notice.level == NoticeLevel.RED:
            raise WorkflowError(_("The notice is already listed for supervision."))
        notice.level, notice.red_leader = NoticeLevel.RED, leader
        notice.save(update_fields=["level", "red_leader"])
        on_behalf = leader if leader.pk != actor.pk else None
        record(actor=actor, step=Step.HANG_RED, note=note, notice=notice, on_behalf_of=on_behalf)
        send(
            unit_people([notice.unit_id]) + issuing_side(notice.region, proposal=notice.proposal_id is not None),
            actor=actor,
            kind=NotificationKind.ESCALATION,
            title=_("Notice %(number)s listed for supervision (挂牌督办) by %(leader)s")
            % {"number": notice.number, "leader": leader.display_name},
            text=note,
            url=notice.get_absolute_url(),
            key=f"notice:{notice.pk}:red",
        )
    return notice


def escalation_day(notice: Notice) -> datetime.date:
    """The first day on which an unanswered notice is yellow: ``ESCALATE_AFTER_WORKING_DAYS`` working days after its
    deadline."""
    return add_working_days(notice.deadline, settings.SUPERVISION["ESCALATE_AFTER_WORKING_DAYS"])


def escalate_overdue(today: datetime.date) -> list[Notice]:
    """Turn yellow every blue notice still owed whose escalation day has come (the daily ``send_reminders``); a run
    repeated the same day, or on a replayed date, changes nothing twice."""
    escalated = []
    candidates = Notice.objects.awaiting_unit().filter(level=NoticeLevel.BLUE, deadline__lt=today)
    for notice in candidates.select_related("unit").order_by("pk"):
        if escalation_day(notice) >= today:
            continue
        with transaction.atomic():
            notice = _lock(notice)
            if notice.level != NoticeLevel.BLUE or notice.status not in NoticeStatus.awaiting_unit():
                continue
            notice.level, notice.escalated_on = NoticeLevel.YELLOW, today
            notice.save(update_fields=["level", "escalated_on"])
            record(
                actor=None,
                step=Step.ESCALATE,
                note=_("Unanswered %(days)s working days after its deadline %(date)s.")
                % {"days": settings.SUPERVISION["ESCALATE_AFTER_WORKING_DAYS"], "date": notice.deadline.isoformat()},
                notice=notice,
            )
            send(
                unit_people([notice.unit_id]) + issuing_side(notice.region, proposal=notice.proposal_id is not None),
                actor=None,
                kind=NotificationKind.ESCALATION,
                title=_("Notice %(number)s escalated to 督办 (yellow): %(unit)s has not answered")
                % {"number": notice.number, "unit": notice.unit},
                url=notice.get_absolute_url(),
                key=f"notice:{notice.pk}:yellow",
            )
        escalated.append(notice)
    return escalated
