"""The requests a unit makes for the office to confirm — completion (竣工), acceptance (验收) and plan changes
(调整申请) — and the office's decisions on them: confirmed, returned with a reason, or withdrawn by the unit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from attachments.choices import AttachmentKind
from common.exceptions import ActionForbidden, WorkflowError

from .. import signals
from ..choices import ChangeRequestKind, ChangeRequestStatus, ProjectStatus
from ..models import Milestone, Project, ProjectChangeRequest
from .confirmation import (
    PLAN_FIELDS,
    as_json,
    changed_fields,
    current_value,
    from_json,
    may_confirm,
    milestone_operations,
)


def has_acceptance_report(project: Project) -> bool:
    """验收 goes with its report: a project is accepted only with an acceptance report (验收报告) in its file. Asked
    when the unit requests acceptance, again when the office confirms it (the report may have been removed in
    between) and when the office records acceptance directly (``project_save``)."""
    return project.attachments.filter(kind=AttachmentKind.ACCEPTANCE).exists()


def _pending(project: Project, kind: str):
    return project.change_requests.filter(kind=kind, status=ChangeRequestStatus.PENDING).first()


def plan_change_request(
    *, actor: User, project: Project, fields: dict, milestones: list[dict] = (), reason: str
) -> ProjectChangeRequest:
    """调整申请: a unit proposes changes to its project's confirmed plan — ``fields`` {name: new value} among
    ``PLAN_FIELDS`` and ``status`` (completion and acceptance have requests of their own) and milestone operations
    ({"action": "add"|"change"|"delete", "id": …, "to": {field: value}}) — with its reason. Office staff's own
    requests are confirmed at once."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the plan change.")})
    if set(fields) - {*PLAN_FIELDS, "status"}:
        raise ValidationError({"fields": _("Only the plan's fields change through a plan change.")})
    if fields.get("status") in ProjectStatus.finished():
        raise ValidationError({"status": _("Completion and acceptance are requested with their dates.")})
    with transaction.atomic():
        project = Project.all_objects.select_for_update().get(pk=project.pk)
        if not actor.can("change", project):
            raise ActionForbidden(_("You may only keep data of your own unit."))
        fields = changed_fields(project, fields, fields)
        if _pending(project, ChangeRequestKind.PLAN_CHANGE):
            raise WorkflowError(
                _("A plan change of %(project)s is already awaiting the office: withdraw it or wait for the decision.")
                % {"project": project}
            )
        # The plan as it would be must be valid: checked now, so that the office confirms only what can be applied.
        _apply_fields(project, {name: new for name, (_old, new) in fields.items()}, save=False)
        described = milestone_operations(project, list(milestones))
        if not fields and not described:
            raise ValidationError({"reason": _("Nothing in the plan would change.")})
        request = ProjectChangeRequest(
            project=project,
            kind=ChangeRequestKind.PLAN_CHANGE,
            reason=reason.strip(),
            changes={
                "project": {name: {"from": old, "to": new} for name, (old, new) in fields.items()},
                "milestones": described,
            },
            requested_by=actor,
            requested_at=timezone.now(),
        )
        request = _file(actor, request)
    return request


def requestable_kinds(project: Project) -> list[str]:
    """What a project's unit may ask the office for now (the rule ``completion_request`` applies): completion while
    the project runs, acceptance once it is completed; nothing for a phase or while such a request waits."""
    if project.parent_id:
        return []
    waiting = project.change_requests.filter(status=ChangeRequestStatus.PENDING).exclude(
        kind=ChangeRequestKind.PLAN_CHANGE
    )
    if waiting.exists():
        return []
    if project.status == ProjectStatus.COMPLETED:
        return [ChangeRequestKind.ACCEPTANCE]
    if project.status in (*ProjectStatus.finished(), ProjectStatus.CANCELLED):
        return []
    return [ChangeRequestKind.COMPLETION]


def completion_request(
    *,
    actor: User,
    project: Project,
    kind: str,
    effective_on: datetime.date,
    reason: str,
    actual_start: datetime.date | None = None,
) -> ProjectChangeRequest:
    """A unit asks the office to confirm its project completed (竣工, ``kind`` completion) or accepted (验收,
    ``kind`` acceptance) on ``effective_on``; a project never started also gives its actual start. Office staff's own
    requests are confirmed at once."""
    if not actor.can("change", project):
        raise ActionForbidden(_("You may only keep data of your own unit."))
    if kind not in (ChangeRequestKind.COMPLETION, ChangeRequestKind.ACCEPTANCE):
        raise ValidationError({"kind": _("Ask for completion or acceptance.")})
    with transaction.atomic():
        project = Project.all_objects.select_for_update().get(pk=project.pk)
        if project.parent_id:
            raise ValidationError(
                {
                    "kind": _("%(phase)s is a phase: its project's completion is requested on the project itself.")
                    % {"phase": project}
                }
            )
        expected = ProjectStatus.COMPLETED if kind == ChangeRequestKind.ACCEPTANCE else None
        if expected and project.status != expected:
            raise WorkflowError(
                _("Only a completed project can be accepted; %(project)s is %(status)s.")
                % {"project": project, "status": project.get_status_display()}
            )
        if not expected and project.status in (*ProjectStatus.finished(), ProjectStatus.CANCELLED):
            raise WorkflowError(
                _("%(project)s is %(status)s already.") % {"project": project, "status": project.get_status_display()}
            )
        if _pending(project, kind):
            raise WorkflowError(_("This request is already awaiting the office's confirmation."))
        if kind == ChangeRequestKind.ACCEPTANCE and not has_acceptance_report(project):
            raise WorkflowError(
                _(
                    "Upload the acceptance report (验收报告) to the project file of %(project)s first: acceptance is "
                    "requested with it."
                )
                % {"project": project}
            )
        if effective_on > timezone.localdate():
            raise ValidationError({"effective_on": _("The date cannot lie in the future.")})
        start = project.actual_start or actual_start
        changes = {}
        if kind == ChangeRequestKind.COMPLETION:
            if start is None:
                raise ValidationError({"actual_start": _("Give the day the work actually started.")})
            if effective_on < start:
                raise ValidationError({"effective_on": _("The project cannot be completed before it started.")})
            if project.actual_start is None:
                changes["actual_start"] = start.isoformat()
        elif project.actual_end and effective_on < project.actual_end:
            raise ValidationError({"effective_on": _("A project is accepted after it was completed.")})
        request = ProjectChangeRequest(
            project=project,
            kind=kind,
            effective_on=effective_on,
            reason=(reason or "").strip(),
            changes=changes,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        request = _file(actor, request)
    return request


def _file(actor: User, request: ProjectChangeRequest) -> ProjectChangeRequest:
    """Record a request, under its maker's name; office staff's own are confirmed at once."""
    request.full_clean()
    request._history_user = actor
    request.save()
    return change_request_confirm(actor=actor, request=request) if may_confirm(actor, request.project) else request


def _apply_fields(project: Project, values: dict, *, save: bool = True):
    for name, value in values.items():
        model_field = Project._meta.get_field(name)
        setattr(project, model_field.attname, from_json(model_field, value))
    project.full_clean(validate_unique=False)
    if save:
        project.save()


def _lock_request(request: ProjectChangeRequest) -> tuple[ProjectChangeRequest, Project]:
    project = Project.all_objects.select_for_update().get(pk=request.project_id)
    request = ProjectChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequestStatus.PENDING:
        raise WorkflowError(
            _("This request is %(status)s: nothing more can be decided on it.")
            % {"status": request.get_status_display()}
        )
    return request, project


def change_request_confirm(*, actor: User, request: ProjectChangeRequest, note: str = "") -> ProjectChangeRequest:
    """The office confirms a request: the project's plan, status and dates change as asked, with the history recording
    the office's confirmation; refused (409) when the plan has moved since the request was made."""
    if not may_confirm(actor, request.project):
        raise ActionForbidden(_("Only smart-city office staff confirm completion, acceptance and plan changes."))
    with transaction.atomic():
        request, project = _lock_request(request)
        project._history_user = actor
        project._change_reason = _("Confirmed request: %(reason)s") % {"reason": request.reason}
        if request.kind == ChangeRequestKind.COMPLETION:
            values = {"status": ProjectStatus.COMPLETED, "actual_end": request.effective_on.isoformat()}
            values.update(request.changes)
            _apply_fields(project, values)
        elif request.kind == ChangeRequestKind.ACCEPTANCE:
            if project.status != ProjectStatus.COMPLETED:
                raise WorkflowError(_("Only a completed project can be accepted."))
            if not has_acceptance_report(project):
                raise WorkflowError(
                    _(
                        "The project file of %(project)s no longer holds an acceptance report (验收报告): return the "
                        "request, or confirm it once the unit has uploaded the report again."
                    )
                    % {"project": project}
                )
            _apply_fields(project, {"status": ProjectStatus.ACCEPTED, "accepted_on": request.effective_on.isoformat()})
        else:
            _apply_plan_change(actor, project, request)
        request.status = ChangeRequestStatus.CONFIRMED
        request.decided_by, request.decided_at = actor, timezone.now()
        request.decision_note = (note or "").strip()
        request._history_user = actor
        request.save()
        if request.kind in (ChangeRequestKind.COMPLETION, ChangeRequestKind.ACCEPTANCE):
            completed = request.kind == ChangeRequestKind.COMPLETION
            text = (_("Completion confirmed on %(date)s.") if completed else _("Acceptance confirmed on %(date)s.")) % {
                "date": request.effective_on.isoformat()
            }
            signals.project_moved.send(
                sender=Project,
                project=project,
                actor=actor,
                what=signals.COMPLETED if completed else signals.ACCEPTED,
                text=text,
            )
    return request


def _apply_plan_change(actor: User, project: Project, request: ProjectChangeRequest):
    stale = _("The plan of %(project)s has changed since this request was made: return it so the unit can ask again.")
    fields = request.changes.get("project", {})
    for name, change in fields.items():
        model_field = Project._meta.get_field(name)
        if as_json(model_field, current_value(project, model_field)) != change["from"]:
            raise WorkflowError(stale % {"project": project})
    if fields:
        _apply_fields(project, {name: change["to"] for name, change in fields.items()})
    milestones = {milestone.pk: milestone for milestone in project.milestones.select_for_update()}
    for operation in request.changes.get("milestones", []):
        if operation["action"] == "add":
            milestone = Milestone(project=project)
        else:
            milestone = milestones.get(operation["id"])
            if milestone is None:
                raise WorkflowError(stale % {"project": project})
        milestone._history_user = actor
        if operation["action"] == "delete":
            milestone.delete()
            continue
        for name, old in operation["from"].items():
            if as_json(Milestone._meta.get_field(name), getattr(milestone, name)) != old:
                raise WorkflowError(stale % {"project": project})
        for name, value in operation["to"].items():
            setattr(milestone, name, from_json(Milestone._meta.get_field(name), value))
        milestone.full_clean()
        milestone.save()


def change_request_return(*, actor: User, request: ProjectChangeRequest, note: str) -> ProjectChangeRequest:
    """The office sends a request back with its reason; the project stays as it was."""
    if not may_confirm(actor, request.project):
        raise ActionForbidden(_("Only smart-city office staff confirm completion, acceptance and plan changes."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for returning the request.")})
    with transaction.atomic():
        request, _project = _lock_request(request)
        request.status = ChangeRequestStatus.RETURNED
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note.strip()
        request._history_user = actor
        request.save()
    return request


def change_request_withdraw(*, actor: User, request: ProjectChangeRequest) -> ProjectChangeRequest:
    """The unit takes back a request the office has not decided yet."""
    if not actor.can("change", request.project):
        raise ActionForbidden(_("You may only keep data of your own unit."))
    with transaction.atomic():
        request, _project = _lock_request(request)
        request.status = ChangeRequestStatus.WITHDRAWN
        request.decided_by, request.decided_at = actor, timezone.now()
        request._history_user = actor
        request.save()
    return request
