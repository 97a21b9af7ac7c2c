"""Reads of the portfolio that several pages share; figures come from the database in a fixed number of queries."""

import calendar
import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from common.bounds import money_sum

from .choices import Health, ProjectStatus, ReportStatus
from .models import Milestone, Organization, ProgressReport, Project, period_of
from .querysets import grouped_by_health, planned_progress

CENT = Decimal("0.01")

# The home page shows a liaison the milestones falling due within this many days.
MILESTONE_HORIZON_DAYS = 30


def portfolio_summary(*, projects=None) -> dict:
    """Headline figures of a set of projects (all of them by default): counts by status and health, investment.

    One query, grouped by status and health (``grouped_by_health``: each project's figures computed once)."""
    projects = projects if projects is not None else Project.objects.all()
    if "health" not in projects.query.annotations:
        projects = projects.with_figures()
    figures = projects.order_by().values("status", "total_investment", "progress", "planned_progress", "days_late")
    groups = grouped_by_health(figures, ("status", "health"), ("COUNT(*)", "SUM(total_investment)"))
    by_status, by_health = Counter(), Counter()
    investment = Decimal(0)
    for status, health, count, amount in groups:
        by_status[status] += count
        by_health[health] += count
        # SQLite sums decimals as floats: back to the field's cents.
        investment += Decimal(str(amount or 0)).quantize(CENT)
    return {
        "total": by_status.total(),
        "investment": investment,
        "by_status": [(ProjectStatus(s), by_status[s]) for s in ProjectStatus.values],
        "by_health": [(Health(h), by_health[h]) for h in Health.values],
    }


def parent_projects(*, chosen: int | None = None):
    """The projects that have sub-projects (those a parent filter can find anything under), and ``chosen``."""
    offered = Q(pk__in=Project.all_objects.filter(parent__isnull=False).values("parent_id"))
    if chosen:
        offered |= Q(pk=chosen)
    return Project.objects.filter(offered)


def projects_needing_attention(*, limit: int = 20):
    """Red before yellow ("red" sorts first), the furthest behind first."""
    return (
        Project.objects.with_figures()
        .filter(health__in=[Health.RED, Health.YELLOW])
        .select_related("lead_org", "domain")
        .order_by("health", "-progress_lag", "code")[:limit]
    )


def current_period(today: datetime.date | None = None) -> str:
    return period_of(today or timezone.localdate())


def liaison_worklist(user, *, today: datetime.date | None = None) -> dict:
    """What a department liaison must do now: this month's missing reports, returned reports, milestones due."""
    today = today or timezone.localdate()
    period = current_period(today)
    own = Project.objects.filter(lead_org_id=user.organization_id)
    return {
        "period": period,
        "missing_reports": list(own.without_report(period).select_related("domain").order_by("code")),
        "returned_reports": list(
            ProgressReport.objects.filter(project__in=own, status=ReportStatus.RETURNED)
            .select_related("project", "reviewer")
            .order_by("-period", "project__code")
        ),
        "milestones": list(
            Milestone.objects.with_lateness(today)
            .filter(project__in=own.exclude(status__in=ProjectStatus.closed()), actual_date__isnull=True)
            .filter(planned_date__lte=today + datetime.timedelta(days=MILESTONE_HORIZON_DAYS))
            .select_related("project")
            .order_by("planned_date", "project__code")
        ),
    }


def office_worklist(*, today: datetime.date | None = None, limit: int = 20) -> dict:
    """What the office must do now: reports to review (oldest first), red projects, the latest milestones."""
    today = today or timezone.localdate()
    waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, project__archived_at__isnull=True)
    return {
        "waiting_count": waiting.count(),
        "waiting_reports": list(
            waiting.select_related("project", "project__lead_org", "submitted_by").order_by("submitted_at", "pk")[
                :limit
            ]
        ),
        "red_projects": list(
            Project.objects.with_figures(today)
            .filter(health=Health.RED)
            .select_related("lead_org")
            .order_by("-days_late", "code")[:limit]
        ),
        "late_milestones": list(
            Milestone.objects.late(today)
            .filter(project__archived_at__isnull=True)
            .select_related("project", "project__lead_org")
            .order_by("planned_date")[:limit]
        ),
    }


def funding_table(project) -> dict:
    """The project's funding rows with a subtotal per year and a grand total, summed by the database."""
    fundings = project.fundings.select_related("source").order_by("year", "source")
    amounts = {
        "planned": money_sum("planned"),
        "allocated": money_sum("allocated"),
        "disbursed": money_sum("disbursed"),
    }
    by_year = {row["year"]: row for row in fundings.order_by().values("year").annotate(**amounts)}
    return {
        "rows": list(fundings),
        "by_year": by_year,
        "total": fundings.aggregate(**amounts),
        "government": fundings.filter(source__is_government=True).aggregate(**amounts),
    }


def progress_series(project) -> dict:
    """Approved progress by period, beside the planned progress at the end of each of those months, by the same rule
    as ``with_figures`` (one query for the reports, one for all the planned figures)."""
    reports = list(
        project.progress_reports.filter(status=ReportStatus.APPROVED)
        .order_by("period")
        .values_list("period", "progress")
    )
    if not reports:
        return {"periods": [], "actual": [], "planned": []}
    planned = Project.all_objects.filter(pk=project.pk).values_list(
        *[planned_progress(_month_end(period)) for period, _progress in reports]
    )
    return {
        "periods": [period for period, _progress in reports],
        "actual": [float(progress) for _period, progress in reports],
        "planned": [round(value, 1) for value in planned.get()],
    }


def reporting_projects(unit, period: str):
    """The unit's projects on the reporting page for ``period``: those that must report, plus any that already have a
    report for it, each with that report (if any) in ``period_reports``."""
    reports = ProgressReport.objects.filter(period=period, project__lead_org=unit).select_related("reviewer")
    return (
        Project.objects.with_figures()
        .filter(lead_org=unit)
        .filter(Q(status__in=ProjectStatus.reporting()) | Q(pk__in=reports.values("project_id")))
        .prefetch_related(Prefetch("progress_reports", reports, to_attr="period_reports"))
        .order_by("code")
    )


def reporting_units():
    """Units that lead at least one project that must report."""
    return Organization.objects.filter(pk__in=Project.objects.reporting().values("lead_org_id"))


def _month_end(period: str) -> datetime.date:
    year, month = map(int, period.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])
