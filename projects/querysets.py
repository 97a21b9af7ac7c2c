"""Derived figures of the portfolio, computed by the database so that lists, API, exports and dashboards agree.

The rules (DOMAIN.md, settings.PORTFOLIO):
- progress: 100 once completed or accepted; else the latest approved report's figure (of a month up to the day the
  figures are taken on: a table of a past month does not read later reports); else the weighted share of completed
  milestones; else 0.
- planned progress: the weighted share of milestones planned by today; with no milestones, the elapsed share of the
  planned span.
- a milestone is late when its planned date has passed with no actual date (and the project is not finished).
- health: red when progress lags plan by more than RED_LAG points or a milestone is more than RED_LATE_DAYS days
  late; yellow when it lags by more than YELLOW_LAG points or any milestone is late; else green. Completed,
  accepted and cancelled projects are green: nothing is watched on them any more.
- indicator attainment: latest actual ÷ target in percent (target ÷ actual for lower-is-better indicators).
- phases: a sub-project (``parent`` set: 一期, 二期…) is part of its parent. Every total, count and average of the
  portfolio (investment, funding, investment completed, projects, completed, average progress) is taken over the
  top-level projects only (``top_level``), each by its own figures; phases are shown under their parent as detail.
  Progress is reported on the top-level project (``reporting``), never on its phases.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import GreaterThan, In
from django.utils import timezone

from common.db import DaysBetween

from .choices import Health, IndicatorDirection, KeyListStatus, ProjectStatus, ReportStatus


def _as_float(expression):
    return Cast(expression, FloatField())


def _per_project_total(queryset, aggregate):
    """A scalar subquery aggregating ``queryset`` (already filtered on the outer project) as a float."""
    return _as_float(Subquery(queryset.order_by().values("project").annotate(total=aggregate).values("total")[:1]))


def _weighted_share(condition: Q):
    """The share (in percent) of the outer project's milestone weight whose milestones meet ``condition``, in one
    scalar subquery; null when the project has no milestones."""
    from .models import Milestone

    share = (
        Value(100.0)
        * _as_float(Sum(Case(When(condition, then=F("weight")), default=Value(0))))
        / NullIf(_as_float(Sum("weight")), Value(0.0))
    )
    milestones = Milestone.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return Subquery(milestones.annotate(share=share).values("share")[:1], output_field=FloatField())


def planned_progress(day: datetime.date):
    """The planned progress of the outer project as of ``day``: the weighted share of milestones planned by then, or
    with no milestones the elapsed share of the planned span."""
    day_value = Value(day, output_field=DateField())
    elapsed_share = Case(
        When(planned_start__gt=day, then=Value(0.0)),
        When(planned_end__lte=day, then=Value(100.0)),
        default=Value(100.0)
        * DaysBetween(day_value, F("planned_start"))
        / DaysBetween(F("planned_end"), F("planned_start")),
        output_field=FloatField(),
    )
    return Coalesce(_weighted_share(Q(planned_date__lte=day)), elapsed_share, output_field=FloatField())


def active_in_year(year: int, path: str = "") -> Q:
    """Projects (reached through ``path``, such as "project__") whose planned span touches ``year``."""
    return Q(**{f"{path}planned_start__year__lte": year, f"{path}planned_end__year__gte": year})


def health_rule(status, progress_lag, days_late) -> Case:
    """A project's health from its status, its lag behind plan and its days late, given as expressions: the
    project's own annotations here, or the columns of a query over them (the dashboard's grouping)."""
    rules = settings.PORTFOLIO
    return Case(
        When(In(status, ProjectStatus.closed()), then=Value(Health.GREEN.value)),
        When(
            GreaterThan(progress_lag, rules["RED_LAG"]) | GreaterThan(days_late, rules["RED_LATE_DAYS"]),
            then=Value(Health.RED.value),
        ),
        # days_late > 0 exactly when a milestone is late; it is the cheaper of the two to compute again.
        When(
            GreaterThan(progress_lag, rules["YELLOW_LAG"]) | GreaterThan(days_late, 0),
            then=Value(Health.YELLOW.value),
        ),
        default=Value(Health.GREEN.value),
        output_field=models.CharField(),
    )


def grouped_by_health(figures, columns: Sequence[str], aggregates: Sequence[str]) -> list[tuple]:
    """Rows of ``columns`` then ``aggregates``: the rows of ``figures`` grouped by ``columns`` (any of its own
    columns, and ``health``), with each SQL aggregate (over the figures' columns by name) computed per group.

    ``figures`` is a ``values()`` query of projects annotated by ``with_figures`` (or ``with_stored_figures``) that
    selects at least ``status``, ``progress``, ``planned_progress`` and ``days_late``. The database computes it once,
    as a materialised common table expression, and rates each row's health from those columns: grouping by the
    ``health`` annotation itself, or counting with a filter on it, would compute the figures again inside each
    expression that names them (twice the time or more at 10,000 projects).
    """
    connection = connections[figures.db]
    query = figures.query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # ``none()``: no project, no group
        return []
    health_sql, health_params = query.get_compiler(connection=connection).compile(
        health_rule(
            RawSQL("status", (), output_field=models.CharField()),
            RawSQL("planned_progress - progress", (), output_field=FloatField()),
            RawSQL("days_late", (), output_field=FloatField()),
        ).resolve_expression(query)
    )
    grouped = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH figures AS MATERIALIZED ({sql}), "
            f"rated AS (SELECT figures.*, {health_sql} AS health FROM figures) "
            f"SELECT {grouped}, {', '.join(aggregates)} FROM rated GROUP BY {grouped}",
            (*params, *health_params),
        )
        return cursor.fetchall()


def must_report() -> Q:
    """Projects whose lead unit must report progress every month: top-level projects under way (a project with phases
    reports once, on itself; its phases are detail)."""
    return Q(status__in=ProjectStatus.reporting(), parent__isnull=True)


# The figures ``with_figures`` annotates, in the order ``projects.figures`` stores them.
FIGURE_NAMES = ("progress", "planned_progress", "progress_lag", "late_milestones", "days_late", "health")


def figure_expressions(today: datetime.date) -> dict:
    """The expressions of the derived figures (``FIGURE_NAMES``) of the outer project as of ``today``: the rules of
    the module's docstring, written once for ``with_figures`` and for the stored figures' fallback."""
    from .models import Milestone, ProgressReport, period_of

    today_value = Value(today, output_field=DateField())
    finished = ProjectStatus.finished()

    milestones = Milestone.objects.filter(project=OuterRef("pk"))
    late = milestones.filter(actual_date__isnull=True, planned_date__lt=today)
    latest_approved = (
        ProgressReport.objects.filter(
            project=OuterRef("pk"), status=ReportStatus.APPROVED, period__lte=period_of(today)
        )
        .order_by("-period")
        .values("progress")[:1]
    )

    not_finished = ~Q(status__in=finished)

    progress = Case(
        When(status__in=finished, then=Value(100.0)),
        default=Coalesce(
            _as_float(Subquery(latest_approved)),
            _weighted_share(Q(actual_date__isnull=False)),
            Value(0.0),
        ),
        output_field=FloatField(),
    )
    planned = planned_progress(today)
    progress_lag = ExpressionWrapper(planned - progress, output_field=FloatField())
    days_late = Case(
        When(
            not_finished,
            then=Coalesce(
                DaysBetween(today_value, Subquery(late.order_by("planned_date").values("planned_date")[:1])),
                Value(0.0),
            ),
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return {
        "progress": progress,
        "planned_progress": planned,
        "progress_lag": progress_lag,
        "late_milestones": Case(
            When(not_finished, then=Coalesce(_per_project_total(late, Count("pk")), Value(0.0))),
            default=Value(0.0),
            output_field=FloatField(),
        ),
        "days_late": days_late,
        "health": health_rule(F("status"), progress_lag, days_late),
    }


class ProjectQuerySet(models.QuerySet):
    def with_figures(self, today: datetime.date | None = None):
        """Annotate ``progress``, ``planned_progress``, ``progress_lag``, ``late_milestones``, ``days_late`` and
        ``health`` as of ``today`` (the local date by default), computed from the milestones and reports."""
        return self.annotate(**figure_expressions(today or timezone.localdate()))

    def with_stored_figures(self, today: datetime.date | None = None):
        """The same annotations as ``with_figures``, read from each project's stored figures (``ProjectFigures``)
        when they were taken on ``today``; computed as ``with_figures`` does for a project whose row is of another
        day (a table of a past date, or before the daily refresh has run) or missing. Every write to what the figures
        are computed from refreshes the row in its transaction (``projects.figures``), so the row taken today is
        today's figures: at 100,000 projects a list's totals read a row per project instead of their milestones and
        reports."""
        today = today or timezone.localdate()
        fresh = Q(figures__as_of=today)
        stored_or_computed = {
            name: Case(When(fresh, then=F(f"figures__{name}")), default=computed, output_field=computed.output_field)
            for name, computed in figure_expressions(today).items()
        }
        return self.annotate(**stored_or_computed)

    def with_plausibility(self):
        """Annotate what the plausibility checks read (``plausibility_messages``): ``milestone_weight_total`` (null
        without milestones), ``phases_investment`` (the phases' total investment, null without phases) and
        ``largest_year_funding`` (the largest planned funding of one year, null without funding)."""
        from .models import Funding, Milestone, Project

        def total(queryset, group, field):
            summed = queryset.order_by().values(group).annotate(total=Sum(field)).values("total")
            return Subquery(summed[:1])

        year_funding = (
            Funding.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("year")
            .annotate(total=Sum("planned"))
            .order_by("-total")
            .values("total")[:1]
        )
        return self.annotate(
            milestone_weight_total=total(Milestone.objects.filter(project=OuterRef("pk")), "project", "weight"),
            phases_investment=total(Project.objects.filter(parent=OuterRef("pk")), "parent", "total_investment"),
            largest_year_funding=Subquery(year_funding),
        )

    def with_slippage(self):
        """Annotate ``baseline_year``, ``baseline_start``, ``baseline_end`` and ``slippage_days`` (planned end now
        minus the planned end frozen in the latest approved key-project list; positive means the deadline moved
        later). A list awaiting approval, or returned, is no baseline yet."""
        from .models import ProjectBaseline

        frozen = ProjectBaseline.objects.approved().filter(project=OuterRef("pk")).order_by("-baseline__year")
        return self.annotate(
            baseline_year=Subquery(frozen.values("baseline__year")[:1]),
            baseline_start=Subquery(frozen.values("planned_start")[:1]),
            baseline_end=Subquery(frozen.values("planned_end")[:1]),
            slippage_days=DaysBetween(F("planned_end"), F("baseline_end")),
        )

    def top_level(self):
        """The projects that count in totals: those that are not a phase of another (see the module's rules)."""
        return self.filter(parent__isnull=True)

    def reporting(self):
        return self.filter(must_report())

    def without_report(self, period: str):
        """Reporting projects with no report at all (in any state) for ``period``."""
        from .models import ProgressReport

        return self.reporting().exclude(pk__in=ProgressReport.objects.filter(period=period).values("project_id"))

    def active_in_year(self, year: int):
        return self.filter(active_in_year(year))


class BaselineQuerySet(models.QuerySet):
    def awaiting_decision_of(self, region):
        """The lists submitted to ``region``'s office: those of the regions directly below it, while it has an office
        (``models.key_lists.deciding_region``, row by row)."""
        return self.filter(region__parent=region, region__parent__office__isnull=False, status=KeyListStatus.SUBMITTED)

    def with_counts(self):
        """Annotate ``project_count`` (entries frozen) and ``slipped_count`` (entries whose project's planned end has
        moved later since)."""
        from .models import ProjectBaseline

        slipped = (
            ProjectBaseline.objects.with_slippage()
            .filter(baseline=OuterRef("pk"), end_slippage__gt=0)
            .order_by()
            .values("baseline")
            .annotate(count=Count("pk"))
            .values("count")
        )
        entries = ProjectBaseline.objects.filter(baseline=OuterRef("pk")).order_by().values("baseline")
        return self.annotate(
            project_count=Coalesce(Subquery(entries.annotate(count=Count("pk")).values("count")), 0),
            slipped_count=Coalesce(Subquery(slipped), 0),
        )


class ProjectBaselineQuerySet(models.QuerySet):
    def approved(self):
        """The entries of approved lists: the baselines slippage is measured against."""
        return self.filter(baseline__status=KeyListStatus.APPROVED)

    def with_slippage(self):
        """Annotate ``end_slippage`` and ``start_slippage``: days the project's planned dates have moved since this
        baseline froze them (positive means later)."""
        return self.annotate(
            end_slippage=DaysBetween(F("project__planned_end"), F("planned_end")),
            start_slippage=DaysBetween(F("project__planned_start"), F("planned_start")),
        )


def milestone_late(today: datetime.date) -> Q:
    """A milestone still open after its planned date, in a project not yet finished."""
    return Q(actual_date__isnull=True, planned_date__lt=today) & ~Q(project__status__in=ProjectStatus.finished())


def milestone_due_within(days: int, today: datetime.date) -> Q:
    """An open milestone of a project still under way, planned from today to ``days`` days ahead."""
    return Q(actual_date__isnull=True, planned_date__range=(today, today + datetime.timedelta(days=days))) & ~Q(
        project__status__in=ProjectStatus.closed()
    )


class MilestoneQuerySet(models.QuerySet):
    def with_lateness(self, today: datetime.date | None = None):
        """Annotate ``is_late`` and ``days_late`` (days past the planned date while still open)."""
        today = today or timezone.localdate()
        late = milestone_late(today)
        return self.annotate(
            is_late=Case(When(late, then=Value(True)), default=Value(False), output_field=models.BooleanField()),
            days_late=Case(
                When(late, then=DaysBetween(Value(today, output_field=DateField()), F("planned_date"))),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        )

    def late(self, today: datetime.date | None = None):
        return self.with_lateness(today).filter(is_late=True)

    def due_within(self, days: int, today: datetime.date | None = None):
        return self.filter(milestone_due_within(days, today or timezone.localdate()))


class IndicatorQuerySet(models.QuerySet):
    def in_year(self, year: int):
        """Targets of the plans in force in ``year``."""
        return self.filter(plan__first_year__lte=year, plan__last_year__gte=year)

    def with_attainment(self):
        """Annotate ``latest_value``, ``latest_period`` and ``attainment`` (percent of target, null without data)."""
        from .models import IndicatorValue

        latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period")
        return self.annotate(
            latest_value=_as_float(Subquery(latest.values("value")[:1])),
            latest_period=Subquery(latest.values("period")[:1]),
            attainment=Case(
                When(
                    direction=IndicatorDirection.LOWER_IS_BETTER,
                    then=Value(100.0) * _as_float(F("target")) / NullIf(F("latest_value"), Value(0.0)),
                ),
                default=Value(100.0) * F("latest_value") / NullIf(_as_float(F("target")), Value(0.0)),
                output_field=FloatField(),
            ),
            met=Case(
                When(attainment__gte=100, then=Value(True)), default=Value(False), output_field=models.BooleanField()
            ),
        )
