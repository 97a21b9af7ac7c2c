"""Writes of projects as a whole: saving one (the office's form, the API, the import), a unit's edit of its own
(what is its own is saved, what the office confirms is proposed), archiving and restoring projects and units."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from common.concurrency import check_version
from common.exceptions import ActionForbidden, WorkflowError
from common.text import shortened_list

from ..choices import ProjectStatus
from ..models import Project, ProjectChangeRequest
from .confirmation import (
    MILESTONE_PLAN_FIELDS,
    check_project_write,
    may_confirm,
    milestone_plan_message,
    refusal_message,
    split_project_changes,
)
from .requests import has_acceptance_report, plan_change_request


def project_save(
    *,
    actor: User,
    project: Project,
    data: dict,
    m2m: dict | None = None,
    expected_version: int | None = None,
    only_data: bool = False,
) -> Project:
    """Create ``project`` (not saved yet) or write ``data`` ({field: value}) to it, and set its many-to-many fields
    ``m2m`` ({field: objects}): how the office's form, the API and the import save a project, once they have
    validated it (the model's own rules). ``only_data`` saves only the fields in ``data`` (an import's changed
    cells), not the whole row.

    A unit writes directly only what is its own: what the office confirms (the plan, completion, publication) is
    refused (403, ``check_project_write``); a unit's form proposes it instead (``project_edit_by_unit``). A change made
    on an older ``expected_version`` than the project's is refused (``StaleVersionError``).
    """
    new = project.pk is None
    with transaction.atomic():
        check_version(project, expected_version)
        if not new and not may_confirm(actor, project):
            # Compared with the row as stored: a form or an import has already put the new values on ``project``.
            stored = Project.all_objects.select_for_update().get(pk=project.pk)
            check_project_write(actor=actor, project=stored, data=data)
        if not new:
            check_direct_acceptance(project, data)
        for name, value in data.items():
            setattr(project, name, value)
        if not actor.can("add" if new else "change", project):
            raise ActionForbidden(_("You may only keep data of your own unit."))
        project._history_user = actor
        if only_data and not new:
            project.save(update_fields=[*data, "last_updated"])
        else:
            project.save()
        for name, values in (m2m or {}).items():
            getattr(project, name).set(values)
    return project


def check_direct_acceptance(project: Project, data: dict):
    """The office recording acceptance itself (its form, the API, an import) needs the acceptance report in the file
    too, as a request would. A project created as accepted (one accepted before the platform, imported) cannot have
    a file yet: the rule holds from its first change of status."""
    if data.get("status") != ProjectStatus.ACCEPTED:
        return
    stored = Project.all_objects.filter(pk=project.pk).values_list("status", flat=True).first()
    if stored != ProjectStatus.ACCEPTED and not has_acceptance_report(project):
        raise ValidationError(
            {
                "status": _(
                    "%(project)s is recorded as accepted with its acceptance report: upload the acceptance report "
                    "(验收报告) to the project file first."
                )
                % {"project": project}
            }
        )


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
                raise ValidationError({"milestones": milestone_plan_message(project)})
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
