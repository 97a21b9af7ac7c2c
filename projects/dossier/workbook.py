"""项目数据.xlsx, the dossier's figures: the project as its page shows it (fields and derived figures, read from
``Project.objects.with_figures()`` through ``selectors.project_page_queryset``), its milestones, monthly reports,
funding and change log, one sheet each, in the house style of ``common.xlsx``."""

import datetime
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.xlsx import Column, Sheet, new_workbook

from .. import history, selectors
from ..choices import Health, ProjectStatus, ReportStatus
from ..models import Milestone, Project


def field_label(name: str) -> str:
    return str(Project._meta.get_field(name).verbose_name)


def shown_date(day: datetime.date | None) -> str:
    # The overview's value column holds text and figures alike: a date is written as it reads, not as a serial number.
    return day.isoformat() if day else ""


def one_decimal(value) -> float | None:
    """A figure as the project page rounds it (``floatformat:1``)."""
    return None if value is None else round(float(value), 1)


def overview_rows(project: Project) -> list[tuple[str, object]]:
    """(label, value) for each line of the project page's overview and figures, in the page's order."""
    plans = "、".join(str(plan) for plan in project.plans.all())
    participants = "、".join(str(org) for org in project.participating_orgs.all())
    return [
        (field_label("code"), project.code),
        (field_label("name"), project.name),
        (field_label("status"), ProjectStatus(project.status).label),
        (_("Health"), Health(project.health).label),
        (_("Progress (%)"), one_decimal(project.progress)),
        (_("Planned progress (%)"), one_decimal(project.planned_progress)),
        (_("Behind plan (points)"), one_decimal(project.progress_lag)),
        (_("Late milestones"), round(project.late_milestones)),
        (_("Days late"), round(project.days_late)),
        (
            _("Slippage against baseline (days)"),
            None if project.slippage_days is None else round(project.slippage_days),
        ),
        (_("Baseline year"), project.baseline_year),
        (_("Planned end in the baseline"), shown_date(project.baseline_end)),
        (field_label("domain"), f"{project.domain}（{project.domain.get_group_display()}）"),
        (field_label("tier"), project.get_tier_display()),
        (_("Plans"), plans),
        (field_label("lead_org"), str(project.lead_org)),
        (field_label("region"), str(project.region or "")),
        (field_label("location"), str(project.location or "")),
        (field_label("participating_orgs"), participants),
        (field_label("investment_model"), project.get_investment_model_display()),
        (field_label("total_investment"), project.total_investment),
        (field_label("planned_start"), shown_date(project.planned_start)),
        (field_label("planned_end"), shown_date(project.planned_end)),
        (field_label("actual_start"), shown_date(project.actual_start)),
        (field_label("actual_end"), shown_date(project.actual_end)),
        (field_label("accepted_on"), shown_date(project.accepted_on)),
        (field_label("parent"), str(project.parent or "")),
        (field_label("description"), project.description),
        (_("Archived on"), shown_date(timezone.localtime(project.archived_at).date() if project.archived_at else None)),
    ]


def write_overview(workbook, project: Project, title: str, note: str):
    sheet = Sheet(workbook, _("Overview"), [Column(_("Item"), width=24), Column(_("Content"), "long")])
    sheet.heading(title, note)
    for label, value in overview_rows(project):
        sheet.row([label, value])


def write_milestones(workbook, project: Project, title: str, note: str):
    sheet = Sheet(
        workbook,
        pgettext("dossier", "Milestones"),
        [
            Column(str(Milestone._meta.get_field("name").verbose_name), width=24),
            Column(_("Weight"), "integer"),
            Column(_("Planned date"), "date"),
            Column(_("Actual date"), "date"),
            Column(_("Days late"), "integer"),
            Column(_("Note"), "long"),
        ],
    )
    sheet.heading(title, note)
    for milestone in project.milestones.with_lateness().order_by("planned_date", "pk"):
        sheet.row(
            [
                milestone.name,
                milestone.weight,
                milestone.planned_date,
                milestone.actual_date,
                round(milestone.days_late),
                milestone.note,
            ]
        )


def write_reports(workbook, project: Project, title: str, note: str):
    sheet = Sheet(
        workbook,
        _("Monthly reports"),
        [
            Column(_("Period"), width=10),
            Column(_("Status"), width=10),
            Column(_("Progress (%)"), "percent"),
            Column(_("Investment completed (10k yuan)"), "money"),
            Column(_("Progress this period"), "long"),
            Column(_("Reviewer"), width=12),
            Column(_("Reviewed at"), "datetime"),
        ],
    )
    sheet.heading(title, note)
    for report in project.progress_reports.select_related("reviewer").order_by("period"):
        sheet.row(
            [
                report.period,
                ReportStatus(report.status).label,
                report.progress,
                report.investment_completed,
                report.summary,
                report.reviewer.display_name if report.reviewer else "",
                report.reviewed_at,
            ]
        )


def write_funding(workbook, project: Project, title: str, note: str):
    """The funding table of the project page: its rows, each year's subtotal, the government share and the total."""
    sheet = Sheet(
        workbook,
        _("Funding"),
        [
            Column(_("Year"), "integer"),
            Column(_("Source"), width=20),
            Column(_("Planned (10k yuan)"), "money"),
            Column(_("Allocated (10k yuan)"), "money"),
            Column(_("Disbursed (10k yuan)"), "money"),
        ],
    )
    sheet.heading(title, note)
    funding = selectors.funding_table(project)
    for row in funding["rows"]:
        sheet.row([row.year, str(row.source), row.planned, row.allocated, row.disbursed])
    if not funding["rows"]:
        return
    amounts = ("planned", "allocated", "disbursed")
    for year, sums in funding["by_year"].items():
        sheet.row([year, _("%(year)s subtotal") % {"year": year}, *(sums[name] for name in amounts)], "total")
    government = funding["government"]
    sheet.row(["", _("of which government funds"), *(government[name] or 0 for name in amounts)], "total")
    sheet.row(["", _("Total"), *(funding["total"][name] for name in amounts)], "total")


def write_changes(workbook, project: Project, title: str, note: str):
    """The change log as the project page presents it (``history.change_log``), all of it rather than the latest."""
    sheet = Sheet(
        workbook,
        _("Change log"),
        [
            Column(_("When"), "datetime"),
            Column(_("Who"), width=12),
            Column(_("What"), width=28),
            Column(_("Changes"), "long"),
        ],
    )
    sheet.heading(title, note)
    for entry in history.change_log(project, limit=None):
        changes = "\n".join(f"{change.field}：{change.old} → {change.new}" for change in entry.changes)
        who = entry.user.display_name if entry.user else _("system")
        sheet.row([entry.when, who, f"{entry.subject} {entry.action_label}", changes])


def write_workbook(project: Project, out: IO[bytes]):
    """Write 项目数据.xlsx of ``project`` (annotated as its page shows it) to ``out``."""
    workbook = new_workbook()
    title = f"{project.code} {project.name}"
    note = _("Project dossier, as of %(day)s") % {"day": timezone.localdate().isoformat()}
    for write in (write_overview, write_milestones, write_reports, write_funding, write_changes):
        write(workbook, project, title, note)
    workbook.save(out)
