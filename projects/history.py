"""A project's change log: who changed what and when, on the project and on its milestones, funding and reports.

Built from django-simple-history's tables in a fixed number of queries: one per tracked model plus one per model
that the changed foreign keys point to. Changes to many-to-many fields (plans, participating units) are recorded
by simple-history but not listed here.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Funding, Milestone, ProgressReport, Project, ProjectChangeRequest

UNTRACKED = {"id", "created", "last_updated"}
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
ACTIONS = {"+": gettext_lazy("added"), "~": gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class Entry:
    when: object
    user: object
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self):
        return ACTIONS[self.action]


def _subject(model, record) -> str:
    if model is Project:
        return str(_("Project"))
    if model is Milestone:
        return _("Milestone “%(name)s”") % {"name": record.name}
    if model is Funding:
        return _("Funding %(year)s") % {"year": record.year}
    return _("Progress report %(period)s") % {"period": record.period}


def _request_entries(project: Project) -> list[Entry]:
    """The unit's requests to the office as they were made (with the changes asked for) and as they were decided: with
    the changes the office's confirmation then wrote, the log shows both."""
    from .selectors import change_request_lines

    entries = []
    records = (
        ProjectChangeRequest.history.filter(project_id=project.pk).select_related("history_user").order_by("history_id")
    )
    last_status = {}
    for record in records:
        if record.history_type == "+":
            entries.append(
                Entry(
                    when=record.history_date,
                    user=record.history_user,
                    action="+",
                    subject=_("Request: %(kind)s") % {"kind": record.get_kind_display()},
                    changes=[Change(what, old, new) for what, old, new in change_request_lines(record)]
                    + [Change(_("Reason"), "", record.reason)],
                )
            )
        elif record.status != last_status.get(record.id):
            entries.append(
                Entry(
                    when=record.history_date,
                    user=record.history_user,
                    action="~",
                    subject=_("Request: %(kind)s") % {"kind": record.get_kind_display()},
                    changes=[
                        Change(_("status"), last_status.get(record.id, ""), record.get_status_display()),
                        *([Change(_("Note"), "", record.decision_note)] if record.decision_note else []),
                    ],
                )
            )
        last_status[record.id] = record.get_status_display()
    return entries


def change_log(project: Project, *, limit: int | None = 50) -> list[Entry]:
    """The latest ``limit`` entries, newest first (``None``: all of them, as the dossier keeps them)."""
    tracked = [(Project, {"id": project.pk})] + [
        (model, {"project_id": project.pk}) for model in (Milestone, Funding, ProgressReport)
    ]
    pending = []  # (model, record, previous record of the same object or None)
    for model, lookup in tracked:
        previous = {}
        for record in model.history.filter(**lookup).select_related("history_user").order_by("history_id"):
            pending.append((model, record, previous.get(record.id)))
            previous[record.id] = record
    pending.sort(key=lambda item: item[1].history_date, reverse=True)
    pending = pending[:limit]

    fields_of = {
        model: [f for f in model._meta.concrete_fields if f.name not in UNTRACKED] for model, _lookup in tracked
    }
    wanted_fks: dict[type, set] = {}
    diffs = []
    for model, record, before in pending:
        changed = []
        if before is not None and record.history_type == "~":
            for model_field in fields_of[model]:
                old, new = getattr(before, model_field.attname), getattr(record, model_field.attname)
                if old != new:
                    changed.append((model_field, old, new))
                    if model_field.is_relation:
                        wanted_fks.setdefault(model_field.related_model, set()).update({old, new} - {None})
        if record.history_type == "~" and before is not None and not changed:
            continue  # a save that changed only many-to-many fields or nothing at all
        diffs.append((model, record, changed))

    names = {model: model._default_manager.in_bulk(ids) for model, ids in wanted_fks.items()}
    entries = []
    for model, record, changed in diffs:
        entries.append(
            Entry(
                when=record.history_date,
                user=record.history_user,
                action=record.history_type,
                subject=_subject(model, record),
                changes=[
                    Change(f.verbose_name, _display(f, old, names), _display(f, new, names)) for f, old, new in changed
                ],
            )
        )
    entries += _request_entries(project)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _display(model_field: models.Field, value, names: dict):
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return str(names.get(model_field.related_model, {}).get(value, value))
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    # Dates and times as the rest of the page shows them: 2026-12-06, and 2026-12-06 14:04 in local time.
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return date_format(value, DATE_FORMAT)
    return value
