"""区县考核: a region's office scores the regions directly below it (a city's districts, counties and zones) under
the year's assessment rules (``AssessmentRule``).

Each district's figures are those of its portfolio — the top-level projects under way in the year whose lead unit
lies in the district or a region below it — by the dashboard's own rules, taken as of the year's last day (today
for the current year), so a district's row and its dashboard (``?region=<district>&year=<year>``) agree:

- average lag: planned minus actual progress, the plain mean over the open projects (``figures_by_unit``'s rule for
  the department scorecard, added up per district);
- late milestones: the milestones late in those projects (``with_figures``' count, per lead unit, added up);
- reports on time: of the reports filed for the year's periods up to the day, the share filed by their period's
  due working day, by the office's calendar (``selectors.filed_on_time``, the scorecard's rule); reports never
  filed are not counted, since which projects owed a report in a past month is not recorded;
- supervision notices answered on time: of the notices to the district's units whose deadline in the year has
  passed (every one of a year gone by, its last day's too), the share first answered by the deadline
  (``supervision.selectors.notice_counts_by_unit``'s rule, the department scorecard's).

An indicator earns its weight scaled in a straight line between the rule's "full marks at" and "zero at" values
(``Scale.points``); an indicator without a value earns nothing, and a district with no project under way in the
year is not scored at all (there is nothing to assess). The total adds the office's additions and deductions
(``AssessmentAdjustment``). CPPCC proposals are the CPPCC's own statistics and take no part here.

The figures cost a fixed number of queries whatever the number of districts: the rule, the region tree, the project
filter's check of the region, one grouped over the portfolio (``portfolio_groups``), the lead units' regions, the
reports and the adjustments.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from accounts.models import Organization, Region
from accounts.selectors import branches_below
from projects.models import ProgressReport, period_of
from proposals.selectors import share
from supervision.models import Notice
from supervision.selectors import notice_counts_by_unit

from . import selectors
from .choices import AssessmentIndicator
from .models import AssessmentAdjustment, AssessmentRule

# What a new year's rules start from (the office changes them): lag and late milestones lower is better.
DEFAULT_SCALES = {
    "lag_weight": 40,
    "lag_full_at": Decimal("0"),
    "lag_zero_at": Decimal("20"),
    "late_weight": 30,
    "late_full_at": Decimal("0"),
    "late_zero_at": Decimal("10"),
    "reports_weight": 30,
    "reports_full_at": Decimal("100"),
    "reports_zero_at": Decimal("60"),
    "notices_weight": 0,
    "notices_full_at": Decimal("100"),
    "notices_zero_at": Decimal("60"),
}


@dataclass
class IndicatorFigure:
    indicator: AssessmentIndicator
    value: float | int | None
    points: float | None
    url: str | None = None
    # What the value is taken over, shown beside it: "8 / 10" reports on time of those filed.
    detail: str = ""


@dataclass
class DistrictRow:
    region: Region
    projects: int
    projects_url: str
    dashboard_url: str
    indicators: list[IndicatorFigure]
    adjustments: list[AssessmentAdjustment] = field(default_factory=list)
    rank: int | None = None

    @property
    def adjustment_total(self) -> float:
        return float(sum(adjustment.points for adjustment in self.adjustments))

    @property
    def score(self) -> float | None:
        """The indicators' points plus the additions and deductions; None while the year has no rules, and for a
        district with no project under way in the year (nothing to assess)."""
        if all(figure.points is None for figure in self.indicators):
            return None
        return round(sum(figure.points or 0.0 for figure in self.indicators) + self.adjustment_total, 1)

    def figure(self, key: str) -> IndicatorFigure:
        return next(figure for figure in self.indicators if figure.indicator == key)


@dataclass
class Assessment:
    region: Region
    year: int
    as_of: datetime.date
    rule: AssessmentRule | None
    rows: list[DistrictRow]


def as_of(year: int, today: datetime.date) -> datetime.date:
    """The day a year's figures are taken on: its last day, or today while the year runs."""
    return min(today, datetime.date(year, 12, 31))


def year_periods(year: int, day: datetime.date) -> list[str]:
    """The reporting periods of ``year`` up to ``day``'s month."""
    return [period for month in range(1, 13) if (period := f"{year:04d}-{month:02d}") <= period_of(day)]


def district_assessment(*, region: Region, year: int, today: datetime.date | None = None) -> Assessment:
    """The year's assessment of the regions directly below ``region``: the scored ones by rank, then the others in
    the order of their division codes (zones last)."""
    today = today or timezone.localdate()
    day = as_of(year, today)
    rule = AssessmentRule.objects.filter(region=region, year=year).select_related("region", "region__office").first()
    branches = branches_below(region)
    districts = sorted({*branches.values()}, key=lambda r: (not r.code, r.code, r.name))
    scope = selectors.Scope(params={"region": region.pk, "year": year}, today=day)

    portfolio = {district.pk: {"projects": 0, "open": 0, "open_lag": 0.0, "late": 0} for district in districts}
    units = selectors.figures_by_unit(scope, selectors.portfolio_groups(scope))
    unit_regions = dict(Organization.all_objects.filter(pk__in=list(units)).values_list("pk", "region_id"))
    for unit_id, unit in units.items():
        district = branches.get(unit_regions.get(unit_id))
        if district is None:
            continue  # the assessing region's own units: theirs is not a district's work
        figures = portfolio[district.pk]
        figures["projects"] += unit["projects"]
        figures["open"] += unit["open_projects"]
        figures["open_lag"] += unit["open_lag"]
        figures["late"] += unit["late_milestones"]

    reports = {district.pk: {"submitted": 0, "on_time": 0} for district in districts}
    periods = year_periods(year, day)
    if periods:
        filed = (
            scope.of_projects(ProgressReport.objects.all())
            .filter(period__in=periods, submitted_at__isnull=False)
            .order_by()
            .values("project__region_id")
            .annotate(submitted=Count("pk"), on_time=Count("pk", filter=selectors.filed_on_time(periods)))
        )
        for row in filed:
            district = branches.get(row["project__region_id"])
            if district is not None:
                reports[district.pk]["submitted"] += row["submitted"]
                reports[district.pk]["on_time"] += row["on_time"]

    notices = {district.pk: {"due": 0, "answered_on_time": 0} for district in districts}
    # A deadline has passed before today, or before the next year once the year is over: the list behind the figure
    # (``deadline_year`` and ``due``) holds the same notices, a deadline on 31 December included.
    in_year = Notice.objects.filter(deadline__year=year, unit__region__in=list(branches))
    passed_before = min(today, datetime.date(year + 1, 1, 1))
    for region_id, figures in notice_counts_by_unit(in_year, passed_before, group="unit__region").items():
        district = branches.get(region_id)
        if district is not None:
            notices[district.pk]["due"] += figures["due"]
            notices[district.pk]["answered_on_time"] += figures["answered_on_time"]

    adjustments = {}
    if rule is not None:
        for adjustment in rule.adjustments.select_related("region", "recorded_by"):
            adjustments.setdefault(adjustment.region_id, []).append(adjustment)

    rows = []
    for district in districts:
        figures, filed_reports = portfolio[district.pk], reports[district.pk]
        params = {"region": district.pk, "year": year}
        lag = round(figures["open_lag"] / figures["open"], 1) if figures["open"] else None
        scored = rule is not None and figures["projects"] > 0
        values = {
            AssessmentIndicator.LAG: (
                lag,
                selectors.list_url("project-list", params, status=selectors.OPEN, ordering="-lag"),
                "",
            ),
            AssessmentIndicator.LATE: (
                figures["late"],
                selectors.list_url("milestone-list", params, is_late="true", top_level="true"),
                "",
            ),
            AssessmentIndicator.REPORTS: (
                share(filed_reports["on_time"], filed_reports["submitted"]),
                selectors.list_url(
                    "report-list", {"region": district.pk}, active_year=year, year=year, top_level="true"
                ),
                f"{filed_reports['on_time']} / {filed_reports['submitted']}",
            ),
            AssessmentIndicator.NOTICES: (
                share(notices[district.pk]["answered_on_time"], notices[district.pk]["due"]),
                selectors.list_url("notice-list", {"region": district.pk}, deadline_year=year, due="true"),
                f"{notices[district.pk]['answered_on_time']} / {notices[district.pk]['due']}",
            ),
        }
        rows.append(
            DistrictRow(
                region=district,
                projects=figures["projects"],
                projects_url=selectors.list_url("project-list", params),
                dashboard_url=selectors.list_url("dashboard", params),
                indicators=[
                    IndicatorFigure(
                        indicator,
                        value,
                        rule.scale(indicator).points(value) if scored else None,
                        url,
                        detail,
                    )
                    for indicator, (value, url, detail) in values.items()
                ],
                adjustments=adjustments.get(district.pk, []),
            )
        )
    return Assessment(region=region, year=year, as_of=day, rule=rule, rows=ranked(rows))


def ranked(rows: list[DistrictRow]) -> list[DistrictRow]:
    """Highest score first, each with its rank (equal scores share one: 1, 2, 2, 4); unscored rows by name."""
    scored = sorted((row for row in rows if row.score is not None), key=lambda row: -row.score)
    for position, row in enumerate(scored, start=1):
        row.rank = scored[position - 2].rank if position > 1 and scored[position - 2].score == row.score else position
    return scored + [row for row in rows if row.score is None]
