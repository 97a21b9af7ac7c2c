"""The dashboard's figures. Every figure is a database aggregate over the scope the filter bar chose; each panel costs
one or two queries whatever the portfolio's size, and each number comes with the address of the list behind it.

The portfolio panels share one grouped query (``portfolio_groups``): the database groups the projects by domain, lead
unit, status and health and sums their figures; the panels then add up those few groups, never the projects.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Region, RegionScope
from common.bounds import money_sum
from common.dates import add_months
from projects.choices import DomainGroup, Health, ProjectStatus, ReportStatus
from projects.filtersets import ProjectFilterSet
from projects.models import Funding, Indicator, Milestone, ProgressReport, Project, period_of
from projects.querysets import grouped_by_health
from projects.reminders import report_due_date
from proposals.choices import ProposalStatus, Satisfaction
from proposals.models import Session
from proposals.selectors import ProposalStatistics, proposal_statistics
from supervision.models import Commitment, Notice
from supervision.selectors import commitment_figures, notice_counts_by_unit, reads_own_unit_only
from workdays.working_days import WorkCalendar

# The filter bar's fields that choose projects; they are ProjectFilterSet's own, so a link carries them unchanged.
SCOPE_FIELDS = ("plan", "year", "domain_group", "tier", "region", "lead_org")
TREND_MONTHS = 12
UPCOMING_DAYS = 30
LIST_LIMIT = 10
TARGETS_SHOWN = 40


def list_url(name: str, params: dict, **extra) -> str:
    """The address of a list page filtered by ``params`` plus ``extra`` (lists become repeated parameters)."""
    pairs = []
    for key, value in {**params, **extra}.items():
        if value in (None, ""):
            continue
        pairs.extend((key, item) for item in (value if isinstance(value, list | tuple) else [value]))
    return _path(name) + (f"?{urlencode(pairs)}" if pairs else "")


@functools.cache
def _path(name: str) -> str:
    # The dashboard builds some hundreds of links to a handful of pages; the URLconf does not change at run time.
    return reverse(name)


@dataclass
class Scope:
    """What the filter bar chose: the projects' filter parameters, the proposals' session and unit, today."""

    params: dict = field(default_factory=dict)
    session: Session | None = None
    today: datetime.date = field(default_factory=timezone.localdate)
    # The regions the figures are bounded by: the reader's (``User.region_scope``), or an official table's
    # (``reports.exports.TableScope``); None for every row.
    regions: RegionScope | None = None

    def bounded(self, queryset):
        """``queryset`` within the scope's regions."""
        return self.regions.filter(queryset) if self.regions is not None else queryset

    @property
    def bounds_key(self):
        """What the regions add to a cache key: the figures differ by them."""
        return "all" if self.regions is None else self.regions.key

    @cached_property
    def projects(self):
        filterset = ProjectFilterSet(self.params, queryset=self.bounded(Project.objects.all()))
        # The filter bar only hands on what its own form accepted; a filter dropped here would skew every figure.
        if not filterset.is_valid():
            raise ValueError(f"The dashboard's scope is not a valid project filter: {filterset.errors.as_json()}")
        # Every figure counts top-level projects only (the phase rule, ``ProjectQuerySet.top_level``).
        return filterset.qs.top_level()

    @property
    def report_params(self) -> dict:
        """The scope as the report list takes it: there ``year`` is the reports' own year."""
        params = {k: v for k, v in self.params.items() if k != "year"}
        return {**params, "active_year": self.params.get("year"), "top_level": "true"}

    @property
    def proposal_params(self) -> dict:
        return {"session": self.session.pk if self.session else None, "unit": self.params.get("lead_org")}

    @cached_property
    def proposal_statistics(self) -> ProposalStatistics:
        """The statistics of the session's proposals, for the lead units chosen (their proposals and replies)."""
        units = self.params.get("lead_org") or ()
        return proposal_statistics(sessions=[self.session], units=units, today=self.today)

    def of_projects(self, queryset):
        """Rows of ``queryset`` (milestones, reports, fundings) that belong to the projects in scope; with no filter
        chosen, those of every top-level project not archived (without a subquery that would select every
        project)."""
        if self.params or self.bounds_key != "all":
            return queryset.filter(project__in=self.projects)
        return queryset.filter(project__archived_at__isnull=True, project__parent__isnull=True)

    def url(self, name: str, **extra) -> str:
        """The address of the list behind a figure. The project list lists top-level projects (phases beneath
        them); the lists of milestones and reports are told to leave the phases' rows out, as the figures do."""
        if name != "project-list":
            extra.setdefault("top_level", "true")
        return list_url(name, self.params, **extra)

    def proposals_url(self, **extra) -> str:
        return list_url("proposal-list", self.proposal_params, **extra)


# Portfolio


GROUP_COLUMNS = (
    "domain_group",
    "domain_id",
    "domain_name",
    "lead_org_id",
    "unit_name",
    "unit_short_name",
    "status",
    "health",
)
GROUP_SUMS = ("projects", "investment", "progress_sum", "planned_sum", "weighted_progress", "late_milestones")
COUNTS = ("projects", "late_milestones")


def portfolio_groups(scope: Scope) -> list[dict]:
    """The projects in scope grouped by domain, lead unit, status and health, with their summed figures.

    Each project's figures are read as ``with_stored_figures`` gives them (``grouped_by_health``). Which groups
    count as open or cancelled follows from status.
    """
    figures = (
        scope.projects.with_stored_figures(scope.today)
        .annotate(
            domain_group=F("domain__group"),
            domain_name=F("domain__name"),
            unit_name=F("lead_org__name"),
            unit_short_name=F("lead_org__short_name"),
        )
        .order_by()
        .values(*GROUP_COLUMNS[:-1], "total_investment", "progress", "planned_progress", "days_late", "late_milestones")
    )
    rows = grouped_by_health(
        figures,
        GROUP_COLUMNS,
        (
            "COUNT(*)",
            "SUM(total_investment)",
            "SUM(progress)",
            "SUM(planned_progress)",
            "SUM(progress * total_investment)",
            "SUM(late_milestones)",
        ),
    )
    width = len(GROUP_COLUMNS)
    return [
        {
            **dict(zip(GROUP_COLUMNS, row[:width], strict=True)),
            **{
                key: int(value or 0) if key in COUNTS else float(value or 0)
                for key, value in zip(GROUP_SUMS, row[width:], strict=True)
            },
        }
        for row in rows
    ]


def _total(groups, key, **where) -> float:
    return sum(group[key] or 0 for group in groups if all(group[k] in v for k, v in where.items()))


def _ratio(part, whole) -> float | None:
    return round(100.0 * float(part) / float(whole), 1) if whole else None


# Overall progress leaves cancelled projects out; the lag behind plan looks at projects still open.
COUNTED = [status for status in ProjectStatus.values if status != ProjectStatus.CANCELLED]
OPEN = [status for status in ProjectStatus.values if status not in ProjectStatus.closed()]

STATUS_BANDS = {
    "not_started": [ProjectStatus.PLANNED, ProjectStatus.PREPARING],
    "in_progress": [ProjectStatus.IN_PROGRESS],
    "completed": ProjectStatus.finished(),
    "stopped": [ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED],
}


def headline_figures(scope: Scope, groups: list[dict]) -> dict:
    """The headline cards' project figures. Average progress is the plain mean over the top-level projects (cancelled
    ones aside); the mean weighted by investment is given beside it and labelled as such."""
    investment = _total(groups, "investment", status=COUNTED)
    return {
        "projects": (_total(groups, "projects"), scope.url("project-list")),
        "bands": {
            band: (_total(groups, "projects", status=statuses), scope.url("project-list", status=statuses))
            for band, statuses in STATUS_BANDS.items()
        },
        "progress_plain": _progress_figures(groups)["progress"],
        "progress_weighted": round(_total(groups, "weighted_progress", status=COUNTED) / float(investment), 1)
        if investment
        else None,
        "health": {
            health: (_total(groups, "projects", health=[health]), scope.url("project-list", health=health))
            for health in (Health.RED, Health.YELLOW)
        },
        "investment": _total(groups, "investment"),
        "progress_url": scope.url("project-list", ordering="progress"),
    }


def _progress_figures(rows: list[dict]) -> dict:
    """Projects, and their average progress and planned progress (cancelled projects left out), over some groups."""
    counted = _total(rows, "projects", status=COUNTED)
    return {
        "total": _total(rows, "projects"),
        "progress": round(_total(rows, "progress_sum", status=COUNTED) / counted, 1) if counted else None,
        "planned": round(_total(rows, "planned_sum", status=COUNTED) / counted, 1) if counted else None,
    }


def figures_by_domain(scope: Scope, groups: list[dict]) -> list[dict]:
    """Per domain: projects by status, average progress and planned progress (cancelled projects left out)."""
    domains = {}
    for group in groups:
        domain = domains.setdefault(
            group["domain_id"],
            {"id": group["domain_id"], "name": group["domain_name"], "status": defaultdict(int), "rows": []},
        )
        domain["status"][group["status"]] += int(group["projects"])
        domain["rows"].append(group)
    result = []
    for domain in sorted(domains.values(), key=lambda d: d["name"]):
        domain.update(_progress_figures(domain.pop("rows")))
        domain["url"] = scope.url("project-list", domain=domain["id"])
        domain["status_urls"] = {
            status: scope.url("project-list", domain=domain["id"], status=status) for status in ProjectStatus.values
        }
        result.append(domain)
    return result


def figures_by_domain_group(scope: Scope, groups: list[dict]) -> list[dict]:
    """Per domain group (the plans' five areas): projects, average progress and planned progress."""
    result = []
    for value, label in DomainGroup.choices:
        rows = [group for group in groups if group["domain_group"] == value]
        if rows:
            url = scope.url("project-list", domain_group=value)
            result.append({"name": label, "url": url, **_progress_figures(rows)})
    return result


def figures_by_unit(scope: Scope, groups: list[dict]) -> dict[int, dict]:
    """Per lead unit: projects, health counts, average lag of open projects, late milestones."""
    units = {}
    for group in groups:
        unit = units.setdefault(
            group["lead_org_id"],
            {
                "id": group["lead_org_id"],
                "name": group["unit_short_name"] or group["unit_name"],
                "projects": 0,
                "open_projects": 0,
                "open_lag": 0.0,
                "late_milestones": 0,
                "health": dict.fromkeys(Health.values, 0),
            },
        )
        unit["projects"] += int(group["projects"])
        unit["late_milestones"] += int(group["late_milestones"])
        if group["status"] in OPEN:
            unit["open_projects"] += group["projects"]
            unit["open_lag"] += (group["planned_sum"] or 0) - (group["progress_sum"] or 0)
        unit["health"][group["health"]] += int(group["projects"])
    for unit in units.values():
        unit["average_lag"] = round(unit["open_lag"] / unit["open_projects"], 1) if unit["open_projects"] else None
        unit["url"] = scope.url("project-list", lead_org=unit["id"])
        unit["health_urls"] = {h: scope.url("project-list", lead_org=unit["id"], health=h) for h in Health.values}
        unit["late_url"] = scope.url("milestone-list", lead_org=unit["id"], is_late="true")
    return units


def milestone_figures(scope: Scope, groups: list[dict]) -> dict:
    """Late milestones (counted with the projects' figures) and those due in the next 30 days: counts, the first few
    of each, their lists' addresses."""
    in_scope = scope.of_projects(Milestone.objects.all()).select_related("project", "project__lead_org")
    # The count over all rows rides on the first few (a window aggregate): one query for the list and its count.
    upcoming = list(
        in_scope.due_within(UPCOMING_DAYS, scope.today)
        .annotate(total=Window(Count("pk")))
        .order_by("planned_date", "pk")[:LIST_LIMIT]
    )
    return {
        "late": list(in_scope.late(scope.today).order_by("planned_date", "pk")[:LIST_LIMIT]),
        "late_count": _total(groups, "late_milestones"),
        "late_url": scope.url("milestone-list", is_late="true"),
        "upcoming": upcoming,
        "upcoming_count": upcoming[0].total if upcoming else 0,
        "upcoming_url": scope.url("milestone-list", due_within=UPCOMING_DAYS),
        "days": UPCOMING_DAYS,
    }


def red_project_rows(scope: Scope) -> dict:
    """The projects in scope that are seriously behind, furthest behind first, each with the problems (存在问题) of its
    latest report that names any: what the leaders' meeting discusses."""
    latest_problems = (
        ProgressReport.objects.filter(project=OuterRef("pk"), submitted_at__isnull=False)
        .exclude(problems="")
        .order_by("-period")
    )
    rows = list(
        scope.projects.with_stored_figures(scope.today)
        .filter(health=Health.RED)
        .annotate(
            problems=Subquery(latest_problems.values("problems")[:1]),
            problems_period=Subquery(latest_problems.values("period")[:1]),
            unit_name=Coalesce(NullIf(F("lead_org__short_name"), Value("")), F("lead_org__name")),
        )
        .order_by("-progress_lag", "-days_late", "code")
        .values(
            "pk",
            "code",
            "name",
            "unit_name",
            "progress",
            "planned_progress",
            "days_late",
            "problems",
            "problems_period",
        )[:LIST_LIMIT]
    )
    return {"rows": rows, "url": scope.url("project-list", health=Health.RED, ordering="-lag")}


def reporting_periods(today: datetime.date, months: int = TREND_MONTHS) -> list[str]:
    """The last ``months`` reporting periods, oldest first, ending with the current month."""
    return [period_of(add_months(today.replace(day=1), -offset)) for offset in range(months - 1, -1, -1)]


def filed_on_time(periods: list[str]) -> Q:
    """A report of one of ``periods`` filed by the end of its period's due working day (``report_due_date``)."""
    zone = timezone.get_current_timezone()
    calendar = WorkCalendar()
    # Compared as instants (before the local midnight that ends the due day), so no date is computed per row.
    deadline = Case(
        *(
            When(
                period=period,
                then=Value(
                    datetime.datetime.combine(
                        report_due_date(datetime.date.fromisoformat(f"{period}-01"), calendar)
                        + datetime.timedelta(days=1),
                        datetime.time(),
                        tzinfo=zone,
                    )
                ),
            )
            for period in periods
        ),
        output_field=DateTimeField(),
    )
    return Q(submitted_at__lt=deadline)


def report_figures(scope: Scope) -> dict:
    """The progress reports of the projects in scope: the approved ones summed by period (the trend and the
    investment completed by year) and, over the last twelve periods, how many each lead unit filed and how many by
    the period's due date (the scorecard). Both sums come back from one statement, each read off its own index."""
    periods = reporting_periods(scope.today)
    reports = scope.of_projects(ProgressReport.objects.all()).order_by()
    approved = (
        reports.filter(status=ReportStatus.APPROVED)
        .values("period")
        .annotate(progress=Sum("progress"), reports=Count("pk"), investment=money_sum("investment_completed"))
    )
    filed = (
        reports.filter(period__in=periods, submitted_at__isnull=False)
        .values("project__lead_org_id")
        .annotate(submitted=Count("pk"), on_time=Count("pk", filter=filed_on_time(periods)))
    )
    approved_sql, approved_params = approved.query.sql_with_params()
    filed_sql, filed_params = filed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT period, NULL, progress, reports, investment FROM ({approved_sql}) approved UNION ALL "
            f"SELECT NULL, project__lead_org_id, submitted, on_time, NULL FROM ({filed_sql}) filed",
            (*approved_params, *filed_params),
        )
        rows = cursor.fetchall()
    by_period, by_unit = {}, {}
    for period, unit, first, second, investment in rows:
        if period is not None:
            by_period[period] = {"progress": float(first or 0), "reports": second, "investment": float(investment or 0)}
        else:
            by_unit[unit] = {"submitted": first, "on_time": second}
    return {"by_period": by_period, "on_time_by_unit": by_unit}


def progress_trend_figures(scope: Scope, by_period: dict[str, dict]) -> dict:
    """Per period of the last twelve: the average approved progress, projects reported, investment completed."""
    periods = reporting_periods(scope.today)
    rows = [by_period.get(period) for period in periods]
    return {
        "periods": periods,
        "progress": [round(row["progress"] / row["reports"], 1) if row else None for row in rows],
        "reports": [row["reports"] if row else 0 for row in rows],
        "investment": [row["investment"] if row else 0.0 for row in rows],
        "urls": [list_url("report-list", scope.report_params, period=p, status=ReportStatus.APPROVED) for p in periods],
    }


# Money


def funding_figures(scope: Scope, by_period: dict[str, dict]) -> dict:
    """Funding planned, allocated and disbursed by year and by source; investment by model; completed vs plan."""
    in_scope = scope.of_projects(Funding.objects.all()).order_by()
    rows = list(
        in_scope.values("year", "source_id", "source__name", "source__is_government").annotate(
            planned=money_sum("planned"), allocated=money_sum("allocated"), disbursed=money_sum("disbursed")
        )
    )
    amounts = ("planned", "allocated", "disbursed")
    years = defaultdict(lambda: dict.fromkeys(amounts, 0.0))
    for row in rows:
        for amount in amounts:
            years[row["year"]][amount] += float(row[amount] or 0)
    by_year = [
        {"year": year, **years[year], "url": scope.url("project-list", funding_year=year)} for year in sorted(years)
    ]
    sources = {}
    for row in rows:
        source = sources.setdefault(
            row["source_id"],
            {
                "name": row["source__name"],
                "is_government": row["source__is_government"],
                "planned": 0.0,
                "url": scope.url("project-list", funding_source=row["source_id"]),
            },
        )
        source["planned"] += float(row["planned"] or 0)
    planned_total = sum(s["planned"] for s in sources.values())
    social = sum(s["planned"] for s in sources.values() if not s["is_government"])
    completed = defaultdict(float)
    for period, row in by_period.items():
        completed[int(period[:4])] += row["investment"]
    # The year the rates are about: the filter's, or the current one.
    year = int(scope.params.get("year") or scope.today.year)
    year_amounts = years.get(year, dict.fromkeys(amounts, 0.0))
    return {
        "year": year,
        # 投资完成率: investment completed (approved reports of the year) against the year's planned funding.
        "year_planned": year_amounts["planned"],
        "year_completed": completed.get(year, 0.0),
        "completion_rate": _ratio(completed.get(year, 0.0), year_amounts["planned"]),
        "completed_url": list_url("report-list", scope.report_params, year=year, status=ReportStatus.APPROVED),
        # 资金到位率: funds in place (disbursed) against the year's planned funding.
        "year_disbursed": year_amounts["disbursed"],
        "in_place_rate": _ratio(year_amounts["disbursed"], year_amounts["planned"]),
        "funding_url": scope.url("project-list", funding_year=year),
        "by_year": by_year,
        "sources": sorted(sources.values(), key=lambda s: (not s["is_government"], -s["planned"])),
        "planned_total": planned_total,
        "social_share": _ratio(social, planned_total),
        "social_url": scope.url("project-list", social_capital="true"),
        "by_model": [
            {**row, "url": scope.url("project-list", investment_model=row["investment_model"])}
            for row in scope.projects.order_by()
            .values("investment_model")
            .annotate(investment=money_sum("total_investment"), projects=Count("pk"))
            .order_by("-investment")
        ],
        "completed": [
            {
                "year": year,
                "planned": years[year]["planned"] if year in years else 0.0,
                "completed": completed.get(year, 0.0),
                "url": list_url("report-list", scope.report_params, year=year, status=ReportStatus.APPROVED),
            }
            for year in sorted({*years, *completed})
        ],
    }


# Targets


def target_figures(scope: Scope) -> dict:
    """The plans' targets with their attainment; the scope's plan and lead unit choose them (targets belong to plans
    and responsible units, not to projects)."""
    params = {
        "plan": scope.params.get("plan"),
        "responsible_org": scope.params.get("lead_org"),
        "year": scope.params.get("year"),
        "region": scope.params.get("region"),
    }
    indicators = scope.bounded(Indicator.objects.with_attainment())
    if params["region"]:
        indicators = indicators.filter(plan__region__in=Region.objects.within(params["region"]))
    if params["plan"]:
        indicators = indicators.filter(plan__in=params["plan"])
    if params["responsible_org"]:
        indicators = indicators.filter(responsible_org__in=params["responsible_org"])
    if params["year"]:
        indicators = indicators.in_year(int(params["year"]))
    # Each row carries the totals over all rows (window aggregates), so one query gives the chart and the counts.
    rows = list(
        indicators.annotate(
            total=Window(Count("pk")),
            met_total=Window(Sum(Case(When(met=True, then=Value(1)), default=Value(0)))),
        )
        .select_related("plan", "responsible_org")
        .order_by("plan__first_year", "plan__title", "pk")[:TARGETS_SHOWN]
    )
    return {
        # Grouped by plan as the target list shows them; the chart draws the first TARGETS_SHOWN.
        "rows": rows,
        "total": rows[0].total if rows else 0,
        "met": rows[0].met_total if rows else 0,
        "url": list_url("indicator-list", params),
        "met_url": list_url("indicator-list", params, attained="true"),
    }


# Proposals


def proposal_figures(scope: Scope) -> dict:
    """The session's proposals by status, replies on time and late per unit, result classes, satisfaction, and the
    overdue and key proposals."""
    session, statistics = scope.session, scope.proposal_statistics
    counts = statistics.counts(session)
    per_unit = sorted(statistics.unit_replies(session).values(), key=lambda row: row["unit__name"])
    for row in per_unit:
        row["on_time_url"] = scope.proposals_url(unit=row["unit_id"], reply="on_time")
        row["late_url"] = scope.proposals_url(unit=row["unit_id"], reply="late")
    classes = statistics.result_classes(session)
    for row in classes:
        row["url"] = scope.proposals_url(result_class=row["result_class__code"])
    satisfaction = statistics.satisfaction(session)["proposals"]
    overdue = statistics.proposals.filter(overdue=True)
    key = statistics.proposals.filter(is_key=True, status__in=ProposalStatus.awaiting_reply())
    listed = ("pk", "number", "title", "status", "due_date", "is_key", "session_id")
    return {
        "session": session,
        "total": counts["received"],
        "total_url": scope.proposals_url(),
        "by_status": [
            (status, counts["by_status"].get(status.value, 0), scope.proposals_url(status=status.value))
            for status in ProposalStatus
            if counts["by_status"].get(status.value)
        ],
        "replied": counts["replied"],
        "replied_url": scope.proposals_url(reply="replied"),
        "on_time": counts["on_time"],
        "on_time_url": scope.proposals_url(reply="on_time"),
        "on_time_share": _ratio(counts["on_time"], counts["replied"]),
        "per_unit": per_unit,
        "classes": classes,
        "satisfaction": [
            (choice, satisfaction.get(choice.value, 0), scope.proposals_url(satisfaction=choice.value))
            for choice in Satisfaction
        ],
        "overdue": list(overdue.order_by("due_date", "pk").only(*listed)[:LIST_LIMIT]),
        "overdue_count": counts["overdue"],
        "overdue_url": scope.proposals_url(overdue="true"),
        "key": list(key.order_by("due_date", "pk").only(*listed)[:LIST_LIMIT]),
        "key_count": counts["key"],
        "key_url": scope.proposals_url(is_key="true", status=ProposalStatus.awaiting_reply()),
        "promises": promise_figures(scope),
    }


def promise_figures(scope: Scope) -> dict:
    """办理承诺 of the session's replies (of the units chosen): recorded, due, fulfilled, 落实率 and overdue, with the
    lists behind them (``supervision.selectors.commitment_figures``)."""
    promises = scope.bounded(Commitment.objects.filter(reply__proposal__session=scope.session))
    units = scope.params.get("lead_org")
    if units:
        promises = promises.filter(unit__in=units if isinstance(units, list | tuple) else [units])
    params = {"session": scope.session.pk, "unit": units}
    return {
        **commitment_figures(promises, scope.today),
        "recorded_url": list_url("commitment-list", params),
        "due_url": list_url("commitment-list", params, due="true"),
        "fulfilled_url": list_url("commitment-list", params, due="true", status="fulfilled"),
        "overdue_url": list_url("commitment-list", params, overdue="true"),
    }


# Department scorecard

SCORECARD_COLUMNS = (
    "projects",
    "average_lag",
    "late_milestones",
    "reports_on_time",
    "replies_on_time",
    "satisfaction",
    "notices_on_time",
    "escalations",
)


def notice_figures_by_unit(scope: Scope) -> dict[int, dict]:
    """督办 per unit: every notice to the unit within the reader's regions, on a project or a proposal, whatever the
    filters chose — due, answered on time, escalated (``supervision.selectors.notice_counts_by_unit``'s rules) — so
    that each figure is the length of the notice list it links to (which knows nothing of the dashboard's filters)."""
    return notice_counts_by_unit(scope.bounded(Notice.objects.all()), scope.today)


def scorecard_rows(
    scope: Scope, units: dict[int, dict], reports: dict[int, dict], proposals: dict | None, notices: dict[int, dict]
) -> list[dict]:
    """部门考核: per unit, what the yearly assessment looks at. ``reports`` is ``report_figures``' on-time count per
    unit, ``proposals`` the ``proposal_figures`` (None without a session): replies on time per unit, and the
    satisfaction of the feedback on the proposals each unit replied to; ``notices`` the units' 督办 figures
    (``notice_figures_by_unit``)."""
    replies = {row["unit_id"]: row for row in (proposals or {}).get("per_unit", [])}
    satisfaction = scope.proposal_statistics.unit_satisfaction(scope.session) if proposals else {}
    rows = []
    for unit_id in {*units, *replies}:
        unit = units.get(unit_id, {})
        reply = replies.get(unit_id)
        report = reports.get(unit_id)
        feedback = satisfaction.get(unit_id)
        notice = notices.get(unit_id, {"due": 0, "answered_on_time": 0, "escalated": 0})
        rows.append(
            {
                "id": unit_id,
                "name": unit["name"] if unit else reply["name"],
                "projects": unit.get("projects", 0),
                "projects_url": unit.get("url") or scope.url("project-list", lead_org=unit_id),
                "average_lag": unit.get("average_lag"),
                "late_milestones": unit.get("late_milestones", 0),
                "late_url": unit.get("late_url"),
                "reports_submitted": report["submitted"] if report else 0,
                "reports_on_time": _ratio(report["on_time"], report["submitted"]) if report else None,
                "replied": reply["replied"] if reply else 0,
                "replies_on_time": _ratio(reply["on_time"], reply["replied"]) if reply else None,
                "replies_url": reply["on_time_url"] if reply else None,
                "feedback": feedback["feedback"] if feedback else 0,
                "satisfaction": _ratio(feedback["content"], feedback["feedback"]) if feedback else None,
                "notices_due": notice["due"],
                "notices_on_time": _ratio(notice["answered_on_time"], notice["due"]) if notice["due"] else None,
                "notices_url": list_url("notice-list", {"unit": unit_id, "due": "true"}),
                "escalations": notice["escalated"],
                "escalations_url": list_url("notice-list", {"unit": unit_id, "escalated": "true"}),
            }
        )
    return rows


def sorted_scorecard(rows: list[dict], sort: str) -> tuple[list[dict], str]:
    """The scorecard sorted by ``sort`` (a column, "-" for descending; an unknown one sorts by projects, most
    first), units without a figure in that column last; and the sort applied."""
    column = sort.removeprefix("-")
    if column not in SCORECARD_COLUMNS:
        column, sort = "projects", "-projects"
    descending = sort.startswith("-")
    present = [row for row in rows if row[column] is not None]
    missing = [row for row in rows if row[column] is None]
    present.sort(key=lambda row: (row[column], row["name"]), reverse=descending)
    return present + sorted(missing, key=lambda row: row["name"]), sort


SUPERVISION_LINKS = ("notices_url", "escalations_url")
PROMISE_LINKS = ("recorded_url", "due_url", "fulfilled_url", "overdue_url")


def linked_for_reader(user, scorecard: list[dict], proposals: dict | None) -> tuple[list[dict], dict | None]:
    """The figures as ``user`` may follow them. The figures are the same for every reader of the regions (they are
    cached so), but a unit's people list only their own unit's notices and promises
    (``supervision.selectors.reads_own_unit_only``): other units' notice figures and the promises' figures, which
    count every unit, stay on the page without a link to a list that would not hold them."""
    if not reads_own_unit_only(user):
        return scorecard, proposals
    scorecard = [
        row if row["id"] == user.organization_id else {**row, **dict.fromkeys(SUPERVISION_LINKS)} for row in scorecard
    ]
    if proposals and proposals.get("promises"):
        proposals = {**proposals, "promises": {**proposals["promises"], **dict.fromkeys(PROMISE_LINKS)}}
    return scorecard, proposals


# The whole page


def dashboard_figures(scope: Scope, with_proposals: bool) -> dict:
    """Every figure of the dashboard for ``scope``; the proposals' panels only ``with_proposals`` (a session is
    chosen and the reader may see proposals)."""
    groups = portfolio_groups(scope)
    reports = report_figures(scope)
    units = figures_by_unit(scope, groups)
    proposals = proposal_figures(scope) if with_proposals else None
    return {
        "headline": headline_figures(scope, groups),
        "domains": figures_by_domain(scope, groups),
        "domain_groups": figures_by_domain_group(scope, groups),
        "units": units,
        "milestones": milestone_figures(scope, groups),
        "red_projects": red_project_rows(scope),
        "trend": progress_trend_figures(scope, reports["by_period"]),
        "money": funding_figures(scope, reports["by_period"]),
        "targets": target_figures(scope),
        "proposals": proposals,
        "scorecard": scorecard_rows(scope, units, reports["on_time_by_unit"], proposals, notice_figures_by_unit(scope)),
    }
