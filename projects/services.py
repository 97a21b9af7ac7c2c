"""Writes that follow a workflow or touch several rows. Views, the API, imports and commands all call these."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from common.concurrency import check_version
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from common.text import shortened_list

from .choices import ChangeRequestKind, ChangeRequestStatus, ProjectStatus, ReportStatus
from .models import (
    Baseline,
    Milestone,
    MilestoneCompletion,
    ProgressReport,
    Project,
    ProjectBaseline,
    ProjectChangeRequest,
)


def progress_report_submit(
    *,
    actor: User,
    data: dict,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    completions: dict[Milestone, datetime.date] | None = None,
) -> ProgressReport:
    """File a new report (``report`` is None; ``data`` names its project and period) or revise one not yet approved.

    Either way the report is (again) waiting for the office's review. ``data`` holds the report's own fields:
    project, period, progress, investment_completed, summary, problems, next_steps, decline_reason. A progress lower
    than the last approved one needs a ``decline_reason``. ``completions`` names the milestones reached and when
    (None keeps those the report names); the office's approval sets their actual dates. A revision made on an older
    ``expected_version`` than the report's is refused (``StaleVersionError``).
    """
    with transaction.atomic():
        if report is None:
            report, action = ProgressReport(), "add"
        else:
            check_version(report, expected_version)
            report, action = ProgressReport.objects.select_for_update().get(pk=report.pk), "change"
            if report.status == ReportStatus.APPROVED:
                raise WorkflowError(_("This report has been approved and can no longer be changed."))
        for field, value in data.items():
            setattr(report, field, value)
        if not actor.can(action, report):
            raise ActionForbidden(_("You may only report on projects led by your own unit."))
        check_report_rules(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.full_clean()
        report._history_user = actor
        report.save()
        if completions is not None:
            _set_completions(report, completions)
    return report


def check_report_rules(report: ProgressReport):
    """What a report must satisfy beyond its fields, on every path (the reporting page, the API, an import's preview
    and its writing): a phase does not report (its project does), and a progress lower than the last approved one
    of an earlier month says why."""
    if report.project.parent_id:
        # The phase rule: a project with phases reports once, on itself.
        raise ValidationError(
            {
                "project": _("%(phase)s is a phase of %(parent)s: report its progress on %(parent)s.")
                % {"phase": report.project, "parent": report.project.parent}
            }
        )
    last_approved = (
        ProgressReport.objects.filter(project=report.project, status=ReportStatus.APPROVED, period__lt=report.period)
        .order_by("-period")
        .values_list("progress", "period")
        .first()
    )
    declined = last_approved and report.progress is not None and report.progress < last_approved[0]
    if declined and not (report.decline_reason or "").strip():
        raise ValidationError(
            {
                "decline_reason": _("The progress is lower than the %(progress)s%% approved for %(period)s: say why.")
                % {"progress": last_approved[0], "period": last_approved[1]}
            }
        )


def _set_completions(report: ProgressReport, completions: dict[Milestone, datetime.date]):
    """The milestones the report says were reached (open milestones of its project, by a day of the period or
    before)."""
    year, month = map(int, report.period.split("-"))
    period_end = add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)
    errors = []
    for milestone, day in completions.items():
        if milestone.project_id != report.project_id or milestone.actual_date is not None:
            errors.append(_("%(milestone)s is not an open milestone of this project.") % {"milestone": milestone.name})
        elif day > min(period_end, timezone.localdate()):
            errors.append(
                _("%(milestone)s: a milestone reached in this report is reached by %(day)s.")
                % {"milestone": milestone.name, "day": min(period_end, timezone.localdate()).isoformat()}
            )
    if errors:
        raise ValidationError({"completions": errors})
    report.completions.all().delete()
    MilestoneCompletion.objects.bulk_create(
        MilestoneCompletion(report=report, milestone=milestone, actual_date=day)
        for milestone, day in completions.items()
    )


def progress_report_approve(*, actor: User, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The office accepts a submitted report; from then on it counts for the project's progress."""
    return _review(actor=actor, report=report, to_status=ReportStatus.APPROVED, comment=comment)


def progress_report_return(*, actor: User, report: ProgressReport, comment: str) -> ProgressReport:
    """The office sends a submitted report back to the unit with a reason."""
    if not (comment or "").strip():
        raise WorkflowError(_("Give the reason for returning the report."))
    return _review(actor=actor, report=report, to_status=ReportStatus.RETURNED, comment=comment.strip())


def _review(*, actor: User, report: ProgressReport, to_status: str, comment: str) -> ProgressReport:
    if not actor.has_perm("projects.review_progressreport"):
        raise ActionForbidden(_("Only smart-city office staff review progress reports."))
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise WorkflowError(
                _("Only a submitted report can be reviewed; this one is %(status)s.")
                % {"status": report.get_status_display()}
            )
        report.status = to_status
        report.reviewer = actor
        report.reviewed_at = timezone.now()
        report.review_comment = comment
        report._history_user = actor
        report.save()
        if to_status == ReportStatus.APPROVED:
            # The milestones the report names as reached get their actual dates now, under the reviewer's name.
            reached = dict(report.completions.values_list("milestone_id", "actual_date"))
            for milestone in Milestone.objects.select_for_update().filter(pk__in=reached, actual_date__isnull=True):
                milestone.actual_date = reached[milestone.pk]
                milestone._history_user = actor
                milestone.save(update_fields=["actual_date", "last_updated"])
    return report


def baseline_approve(*, actor: User, year: int, note: str = "") -> tuple[Baseline, int]:
    """The office approves the year's project list: freeze the planned dates and investment of every project planned
    to run in ``year`` (cancelled ones aside). Approving again adds projects added since; frozen rows never change.

    Returns the baseline and the number of projects newly frozen.
    """
    if not actor.has_perm("projects.add_baseline"):
        raise ActionForbidden(_("Only smart-city office staff approve the year's project list."))
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            year=year, defaults={"approved_by": actor, "approved_at": timezone.now(), "note": note}
        )
        if not created and note:
            baseline.note = note
            baseline.save(update_fields=["note", "last_updated"])
        frozen = baseline.entries.values("project_id")
        projects = (
            Project.objects.active_in_year(year)
            .exclude(status=ProjectStatus.CANCELLED)
            .exclude(pk__in=frozen)
            .values_list("pk", "planned_start", "planned_end", "total_investment")
        )
        entries = ProjectBaseline.objects.bulk_create(
            ProjectBaseline(
                baseline=baseline, project_id=pk, planned_start=start, planned_end=end, total_investment=money
            )
            for pk, start, end, money in projects
        )
    return baseline, len(entries)


def archive(*, actor: User, obj: Project | Organization) -> Project | Organization:
    """Take a project or a unit out of the lists, the figures and the choices; its rows and history stay.

    Users never delete these (only a superuser purges, in the admin). A unit that still leads projects or has
    units under it stays, so that no listed project loses its lead unit.
    """
    if not actor.can("delete", obj):
        raise ActionForbidden(_("You may not archive %(object)s.") % {"object": obj})
    model = type(obj)
    with transaction.atomic():
        obj = model.all_objects.select_for_update().get(pk=obj.pk)
        if obj.is_archived:
            return obj
        if isinstance(obj, Organization):
            blockers = [*Project.objects.filter(lead_org=obj), *Organization.objects.filter(parent=obj)]
            if blockers:
                raise WorkflowError(
                    _("%(unit)s still leads or heads these, archive or move them first: %(records)s")
                    % {"unit": obj, "records": shortened_list(blockers)}
                )
        obj.archive(actor)
    return obj


def restore(*, actor: User, obj: Project | Organization) -> Project | Organization:
    """Bring an archived project or unit back into the lists and figures."""
    if not actor.can("delete", obj):
        raise ActionForbidden(_("You may not restore %(object)s.") % {"object": obj})
    with transaction.atomic():
        obj = type(obj).all_objects.select_for_update().get(pk=obj.pk)
        if obj.is_archived:
            obj.restore(actor)
    return obj


# What a unit may change itself, and what the office confirms (nobody grades their own homework)

# The confirmed plan that health, 序时进度 and the scorecard are measured against; a unit proposes changes to it
# (调整申请) and the office confirms them.
PLAN_FIELDS = ("planned_start", "planned_end", "tier", "lead_org", "parent", "total_investment")
MILESTONE_PLAN_FIELDS = ("planned_date", "weight")
# Statuses a unit moves its project to itself: starting the work. Completion and acceptance are requested with their
# dates; any other move (back to planned, suspended, cancelled) is a plan change.
STARTED_STATUSES = (ProjectStatus.PREPARING, ProjectStatus.IN_PROGRESS)
# Set only by the office: publication, and the dates its confirmation of completion and acceptance writes.
OFFICE_FIELDS = ("is_published", "actual_end", "accepted_on")


def may_confirm(actor: User) -> bool:
    """Office staff confirm completion, acceptance and plan changes, and publish."""
    return actor.has_perm("projects.confirm_project")


def _as_json(model_field, value):
    if value is None:
        return None
    if model_field.is_relation:
        return value.pk if hasattr(value, "pk") else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(model_field, value):
    if value is None:
        return None
    if model_field.is_relation:
        return int(value)
    return model_field.to_python(value)


def _current(obj, model_field):
    return getattr(obj, model_field.attname)


def _changed(obj, data: dict, names) -> dict[str, tuple]:
    """The fields among ``names`` whose value in ``data`` differs from ``obj``'s: {name: (old, new)} as JSON."""
    changed = {}
    for name in names:
        if name not in data:
            continue
        model_field = type(obj)._meta.get_field(name)
        old, new = _as_json(model_field, _current(obj, model_field)), _as_json(model_field, data[name])
        if old != new:
            changed[name] = (old, new)
    return changed


def _status_route(project: Project, status: str) -> str:
    """How a status change reaches the project: "direct", "completion", "acceptance" or "plan"."""
    if status == project.status:
        return "direct"
    if status == ProjectStatus.COMPLETED:
        return "completion"
    if status == ProjectStatus.ACCEPTED:
        return "acceptance"
    if status in STARTED_STATUSES and project.status not in ProjectStatus.closed():
        return "direct"
    return "plan"


def split_project_changes(project: Project, data: dict) -> tuple[dict, dict, list[str]]:
    """For a unit's edit of ``project``: the changes it makes itself, those that go to the office as a plan change
    ({field: new value}), and the fields it may not set at all."""
    direct, plan, refused = {}, {}, []
    for name, value in data.items():
        model_field = Project._meta.get_field(name)
        if _as_json(model_field, _current(project, model_field)) == _as_json(model_field, value):
            continue
        if name in OFFICE_FIELDS:
            refused.append(name)
        elif name == "status":
            route = _status_route(project, value)
            if route == "direct":
                direct[name] = value
            elif route == "plan":
                plan[name] = value
            else:
                refused.append(name)
        elif name in PLAN_FIELDS:
            plan[name] = value
        else:
            direct[name] = value
    return direct, plan, refused


def refusal_message(project: Project, refused: list[str]) -> str:
    labels = "、".join(str(Project._meta.get_field(name).verbose_name) for name in refused)
    return _(
        "%(fields)s of %(project)s are set by the office: request completion or acceptance with its date, "
        "and leave publication to the office."
    ) % {"fields": labels, "project": project}


def plan_change_message(project: Project, fields: list[str]) -> str:
    labels = "、".join(str(Project._meta.get_field(name).verbose_name) for name in fields)
    return _(
        "%(fields)s of %(project)s belong to the confirmed plan: propose the change (调整申请) with its reason; "
        "the office confirms it."
    ) % {"fields": labels, "project": project}


def check_project_write(*, actor: User, project: Project, data: dict):
    """Refuse (403) a direct write by a unit of anything the office confirms: the API's and the admin's guard. A form
    sends the plan changes on as a request instead (``project_edit``)."""
    if may_confirm(actor) or project.pk is None:
        return
    _direct, plan, refused = split_project_changes(project, data)
    if refused:
        raise ActionForbidden(refusal_message(project, refused))
    if plan:
        raise ActionForbidden(plan_change_message(project, list(plan)))


def check_milestone_write(*, actor: User, milestone: Milestone, data: dict | None, deleting: bool = False):
    """Refuse (403) a unit's direct write to what the office confirms about a milestone: adding or deleting it, its
    planned date and weight (a plan change), its actual date (reported with the monthly report)."""
    if may_confirm(actor):
        return
    project = milestone.project
    if deleting or milestone.pk is None:
        raise ActionForbidden(_milestone_plan_message(project))
    changed = _changed(milestone, data or {}, (*MILESTONE_PLAN_FIELDS, "actual_date"))
    if "actual_date" in changed:
        raise ActionForbidden(
            _("A milestone is reported reached with the monthly report; the office's approval sets its actual date.")
        )
    if changed:
        raise ActionForbidden(_milestone_plan_message(project))


def _milestone_plan_message(project: Project) -> str:
    return _(
        "Milestones' planned dates and weights, and which milestones %(project)s has, belong to the confirmed plan: "
        "propose the change (调整申请) with its reason; the office confirms it."
    ) % {"project": project}


def milestone_operations(project: Project, operations: list[dict]) -> list[dict]:
    """Check a plan change's milestone operations against ``project`` and describe them as they are stored: each
    {"action": "add"|"change"|"delete", "id", "name", "from": {...}, "to": {...}} with JSON values."""
    existing = {milestone.pk: milestone for milestone in project.milestones.all()}
    described = []
    for operation in operations:
        action = operation["action"]
        if action == "add":
            candidate = Milestone(project=project, **operation["to"])
            candidate.full_clean(exclude=["project"], validate_unique=False)
            to = {name: _as_json(Milestone._meta.get_field(name), getattr(candidate, name)) for name in operation["to"]}
            described.append({"action": "add", "id": None, "name": candidate.name, "from": {}, "to": to})
            continue
        milestone = existing.get(operation.get("id"))
        if milestone is None:
            raise ValidationError({"milestones": _("That milestone is not one of this project's.")})
        if action == "delete":
            described.append({"action": "delete", "id": milestone.pk, "name": milestone.name, "from": {}, "to": {}})
            continue
        changed = _changed(milestone, operation["to"], (*MILESTONE_PLAN_FIELDS, "name", "note"))
        if changed:
            described.append(
                {
                    "action": "change",
                    "id": milestone.pk,
                    "name": milestone.name,
                    "from": {name: old for name, (old, _new) in changed.items()},
                    "to": {name: new for name, (_old, new) in changed.items()},
                }
            )
    return described


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
        fields = _changed(project, fields, fields)
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
    return change_request_confirm(actor=actor, request=request) if may_confirm(actor) else request


def _apply_fields(project: Project, values: dict, *, save: bool = True):
    for name, value in values.items():
        model_field = Project._meta.get_field(name)
        setattr(project, model_field.attname, _from_json(model_field, value))
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
    if not may_confirm(actor):
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
            _apply_fields(project, {"status": ProjectStatus.ACCEPTED, "accepted_on": request.effective_on.isoformat()})
        else:
            _apply_plan_change(actor, project, request)
        request.status = ChangeRequestStatus.CONFIRMED
        request.decided_by, request.decided_at = actor, timezone.now()
        request.decision_note = (note or "").strip()
        request._history_user = actor
        request.save()
    return request


def _apply_plan_change(actor: User, project: Project, request: ProjectChangeRequest):
    stale = _("The plan of %(project)s has changed since this request was made: return it so the unit can ask again.")
    fields = request.changes.get("project", {})
    for name, change in fields.items():
        if _as_json(Project._meta.get_field(name), _current(project, Project._meta.get_field(name))) != change["from"]:
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
            if _as_json(Milestone._meta.get_field(name), getattr(milestone, name)) != old:
                raise WorkflowError(stale % {"project": project})
        for name, value in operation["to"].items():
            setattr(milestone, name, _from_json(Milestone._meta.get_field(name), value))
        milestone.full_clean()
        milestone.save()


def change_request_return(*, actor: User, request: ProjectChangeRequest, note: str) -> ProjectChangeRequest:
    """The office sends a request back with its reason; the project stays as it was."""
    if not may_confirm(actor):
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


def project_edit_by_unit(
    *,
    actor: User,
    project: Project,
    data: dict,
    m2m: dict,
    milestones: list[dict],
    reason: str = "",
    expected_version: int | None = None,
) -> ProjectChangeRequest | None:
    """A unit saves its project's form: what it may change itself is saved; changes to the confirmed plan (fields and
    milestone operations: see ``milestone_operations``) go to the office as one plan change with ``reason``; fields
    only the office sets are refused. Returns the request made, if any."""
    with transaction.atomic():
        check_version(project, expected_version)
        # As it stands: the form has already put the proposed values on the caller's copy.
        project = Project.all_objects.select_for_update().get(pk=project.pk)
        if not actor.can("change", project):
            raise ActionForbidden(_("You may only keep data of your own unit."))
        direct, plan, refused = split_project_changes(project, data)
        if refused:
            raise ValidationError({name: refusal_message(project, refused) for name in refused})
        direct_milestones, plan_milestones = [], []
        for operation in milestones:
            to = operation.get("to", {})
            if operation["action"] == "change" and not set(to) & {*MILESTONE_PLAN_FIELDS, "actual_date"}:
                direct_milestones.append(operation)
            elif operation["action"] == "change" and "actual_date" in to:
                raise ValidationError({"milestones": _milestone_plan_message(project)})
            else:
                plan_milestones.append(operation)
        if direct:
            # Saved only when the unit changed something of its own: a plan change alone leaves no empty entry
            # (and no new version) in the project's history.
            for name, value in direct.items():
                setattr(project, name, value)
            project.full_clean(validate_unique=False)
            project._history_user = actor
            project.save()
        for name, values in m2m.items():
            if {value.pk for value in values} != set(getattr(project, name).values_list("pk", flat=True)):
                getattr(project, name).set(values)
        for operation in direct_milestones:
            milestone = project.milestones.get(pk=operation["id"])
            for name, value in operation["to"].items():
                setattr(milestone, name, value)
            milestone.full_clean()
            milestone._history_user = actor
            milestone.save()
        if plan or plan_milestones:
            return plan_change_request(
                actor=actor, project=project, fields=plan, milestones=plan_milestones, reason=reason
            )
    return None
