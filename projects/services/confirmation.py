"""What a unit writes itself and what the office confirms (nobody grades their own homework): the fields of the
confirmed plan, the guards that refuse a unit's direct write of them, and how a change is described and compared
(as JSON, the way a request stores it)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ActionForbidden

from ..choices import ProjectStatus
from ..models import Milestone, Project

# The confirmed plan that health, 序时进度 and the scorecard are measured against; a unit proposes changes to it
# (调整申请) and the office confirms them.
PLAN_FIELDS = ("planned_start", "planned_end", "tier", "lead_org", "parent", "total_investment")
MILESTONE_PLAN_FIELDS = ("planned_date", "weight")
# Statuses a unit moves its project to itself: starting the work. Completion and acceptance are requested with their
# dates; any other move (back to planned, suspended, cancelled) is a plan change.
STARTED_STATUSES = (ProjectStatus.PREPARING, ProjectStatus.IN_PROGRESS)
# Set only by the office: publication, and the dates its confirmation of completion and acceptance writes.
OFFICE_FIELDS = ("is_published", "actual_end", "accepted_on")


def may_confirm(actor: User, project: Project | None = None) -> bool:
    """Office staff confirm completion, acceptance and plan changes, and publish — of ``project`` only when it is of
    their own region (the office above reads a district's projects, the district's office confirms them)."""
    if not actor.has_perm("projects.confirm_project"):
        return False
    return project is None or actor.region_scope.allows(project, "change")


def as_json(model_field, value):
    """A field's value as a request stores it: a related object by its pk, dates in ISO form, decimals as text."""
    if value is None:
        return None
    if model_field.is_relation:
        return value.pk if hasattr(value, "pk") else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(model_field, value):
    """The value ``as_json`` stored, as the field takes it again (a related object by its pk)."""
    if value is None:
        return None
    if model_field.is_relation:
        return int(value)
    return model_field.to_python(value)


def current_value(obj, model_field):
    """What ``obj`` holds in ``model_field`` now (a related object's pk, without loading it)."""
    return getattr(obj, model_field.attname)


def changed_fields(obj, data: dict, names) -> dict[str, tuple]:
    """The fields among ``names`` whose value in ``data`` differs from ``obj``'s: {name: (old, new)} as JSON."""
    changed = {}
    for name in names:
        if name not in data:
            continue
        model_field = type(obj)._meta.get_field(name)
        old, new = as_json(model_field, current_value(obj, model_field)), as_json(model_field, data[name])
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
        if as_json(model_field, current_value(project, model_field)) == as_json(model_field, value):
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
    """Refuse (403) a direct write by a unit of anything the office confirms: ``project_save``'s guard. A unit's form
    sends the plan changes on as a request instead (``project_edit_by_unit``)."""
    if may_confirm(actor, project) or project.pk is None:
        return
    _direct, plan, refused = split_project_changes(project, data)
    if refused:
        raise ActionForbidden(refusal_message(project, refused))
    if plan:
        raise ActionForbidden(plan_change_message(project, list(plan)))


def check_milestone_write(*, actor: User, milestone: Milestone, data: dict | None, deleting: bool = False):
    """Refuse (403) a unit's direct write to what the office confirms about a milestone: adding or deleting it, its
    planned date and weight (a plan change), its actual date (reported with the monthly report)."""
    project = milestone.project
    if may_confirm(actor, project):
        return
    if deleting or milestone.pk is None:
        raise ActionForbidden(milestone_plan_message(project))
    changed = changed_fields(milestone, data or {}, (*MILESTONE_PLAN_FIELDS, "actual_date"))
    if "actual_date" in changed:
        raise ActionForbidden(
            _("A milestone is reported reached with the monthly report; the office's approval sets its actual date.")
        )
    if changed:
        raise ActionForbidden(milestone_plan_message(project))


def milestone_plan_message(project: Project) -> str:
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
            to = {name: as_json(Milestone._meta.get_field(name), getattr(candidate, name)) for name in operation["to"]}
            described.append({"action": "add", "id": None, "name": candidate.name, "from": {}, "to": to})
            continue
        milestone = existing.get(operation.get("id"))
        if milestone is None:
            raise ValidationError({"milestones": _("That milestone is not one of this project's.")})
        if action == "delete":
            described.append({"action": "delete", "id": milestone.pk, "name": milestone.name, "from": {}, "to": {}})
            continue
        changed = changed_fields(milestone, operation["to"], (*MILESTONE_PLAN_FIELDS, "name", "note"))
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
