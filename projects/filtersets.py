"""One FilterSet per model: the same filters drive the pages, the API and the exports."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.filtersets import WithinRegionFilter
from accounts.models import Organization, Region
from common.filtersets import IntegerFilter, ModelMultipleChoiceFilter, SearchFilterSet, YearFilter

from .choices import (
    ChangeRequestKind,
    ChangeRequestStatus,
    DomainGroup,
    Health,
    IndicatorDirection,
    InvestmentModel,
    KeyListStatus,
    PlanKind,
    ProjectStatus,
    ProjectTier,
    ReportStatus,
)
from .models import (
    Baseline,
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectChangeRequest,
    period_of,
    period_validators,
)
from .querysets import active_in_year

# A month's report status: a report's own, or 未报送 (the project must report and has no report in any state).
MISSING = "missing"
REPORT_STATUSES = [*ReportStatus.choices, (MISSING, _("Not reported"))]


class DomainFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    group = django_filters.MultipleChoiceFilter(label=_("group"), choices=DomainGroup.choices)

    class Meta:
        model = Domain
        fields = ["group"]


class PlanFilterSet(SearchFilterSet):
    search_fields = ("title", "issuer", "document_number")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=PlanKind.choices)
    year = YearFilter(label=_("year"), method="filter_year")

    region = WithinRegionFilter()

    class Meta:
        model = Plan
        fields = ["kind"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(first_year__lte=value, last_year__gte=value)


class ProjectScopeFilterSet(SearchFilterSet):
    """The portfolio's scope — plan, year, domain group, tier, lead unit, region — for projects and for the
    rows that belong to a project, so that a dashboard figure and the list behind it select the same projects.

    ``project_path`` leads from the filtered model to its project: "" for projects, "project__" for milestones.
    """

    project_path = ""

    plan = extend_schema_field(OpenApiTypes.INT)(
        ModelMultipleChoiceFilter(label=_("plan"), queryset=Plan.objects.all(), method="filter_plan")
    )
    year = YearFilter(label=_("year"), method="filter_year")
    domain = extend_schema_field(OpenApiTypes.INT)(
        ModelMultipleChoiceFilter(label=_("domain"), queryset=Domain.objects.all(), method="filter_project_field")
    )
    domain_group = django_filters.MultipleChoiceFilter(
        label=_("domain group"), field_name="domain__group", choices=DomainGroup.choices, method="filter_project_field"
    )
    tier = django_filters.MultipleChoiceFilter(
        label=_("tier"), field_name="tier", choices=ProjectTier.choices, method="filter_project_field"
    )
    lead_org = extend_schema_field(OpenApiTypes.INT)(
        ModelMultipleChoiceFilter(
            label=_("lead unit"), queryset=Organization.objects.all(), method="filter_project_field"
        )
    )
    region = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(label=_("region"), queryset=Region.objects.all(), method="filter_region")
    )
    # The rows that count in the portfolio's totals (phases left out): what the dashboard's figures count.
    top_level = django_filters.BooleanFilter(label=_("top-level projects only"), method="filter_top_level")

    # Multiple-choice filters hand their methods an empty queryset when nothing is chosen: that filters nothing.

    def filter_project_field(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.project_path}{name}__in": value})

    def filter_plan(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery instead of a join, so a project in two chosen plans is listed once without DISTINCT.
        in_plans = Project.plans.through.objects.filter(plan__in=value).values("project_id")
        return queryset.filter(**{f"{self.project_path}pk__in": in_plans})

    def filter_year(self, queryset, name, value):
        return queryset.filter(active_in_year(int(value), self.project_path))

    def filter_top_level(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{self.project_path}parent__isnull": value})

    def filter_region(self, queryset, name, value):
        """A project counts in its own region (its lead unit's) and in every region above it (a city takes in its
        districts), each project once; a project merely built there (``location``) counts where it belongs."""
        return queryset.filter(**{f"{self.project_path}region__in": Region.objects.within(value)})


class ProjectFilterSet(ProjectScopeFilterSet):
    """Expects a queryset annotated by ``Project.objects.with_figures()`` (health and lateness are derived)."""

    search_fields = ("code", "name", "description")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ProjectStatus.choices)
    health = django_filters.MultipleChoiceFilter(label=_("health"), choices=Health.choices)
    investment_model = django_filters.MultipleChoiceFilter(label=_("investment model"), choices=InvestmentModel.choices)
    parent = django_filters.ModelChoiceFilter(label=_("parent project"), queryset=Project.objects.all())
    has_late_milestones = django_filters.BooleanFilter(label=_("late milestones"), method="filter_late")
    social_capital = django_filters.BooleanFilter(label=_("social capital"), method="filter_social_capital")
    funding_year = YearFilter(label=_("funded in year"), method="filter_funding")
    funding_source = extend_schema_field(OpenApiTypes.INT)(
        ModelMultipleChoiceFilter(
            label=_("funding source"), queryset=FundingSource.objects.all(), method="filter_funding"
        )
    )
    is_published = django_filters.BooleanFilter(label=_("published"))
    report_period = django_filters.CharFilter(
        label=_("report month"), method="filter_noop", validators=period_validators, help_text=_("YYYY-MM")
    )
    report_status = django_filters.ChoiceFilter(
        label=_("report status for the month"), choices=REPORT_STATUSES, method="filter_report_status"
    )

    class Meta:
        model = Project
        fields = ["plan", "year", "domain", "domain_group", "tier", "status", "health", "lead_org", "parent"]

    def filter_late(self, queryset, name, value):
        return queryset.filter(late_milestones__gt=0) if value else queryset.filter(late_milestones=0)

    def filter_funding(self, queryset, name, value):
        if not value:
            return queryset
        lookup = {"funding_year": "year", "funding_source": "source__in"}[name]
        return queryset.filter(pk__in=Funding.objects.filter(**{lookup: value}).values("project_id"))

    def filter_noop(self, queryset, name, value):
        """``report_period`` names the month of ``report_status`` (see ``filter_report_status``); alone it filters
        nothing."""
        return queryset

    def filter_report_status(self, queryset, name, value):
        """The projects whose report for ``report_period`` (this month by default) is in this status, or which must
        report and have none (``ProjectQuerySet.without_report``)."""
        if "report_period" in self.form.errors:
            return queryset.none()
        period = self.form.cleaned_data.get("report_period") or period_of(timezone.localdate())
        if value == MISSING:
            return queryset.without_report(period)
        return queryset.filter(pk__in=ProgressReport.objects.filter(period=period, status=value).values("project_id"))

    def filter_social_capital(self, queryset, name, value):
        funded = Funding.objects.filter(source__is_government=False).values("project_id")
        return queryset.filter(pk__in=funded) if value else queryset.exclude(pk__in=funded)


class MilestoneFilterSet(ProjectScopeFilterSet):
    """Expects a queryset annotated by ``Milestone.objects.with_lateness()``."""

    project_path = "project__"
    search_fields = ("name", "project__code", "project__name")
    is_late = django_filters.BooleanFilter(label=_("late"))
    is_done = django_filters.BooleanFilter(
        label=_("done"), field_name="actual_date", lookup_expr="isnull", exclude=True
    )
    due_within = IntegerFilter(label=_("due within (days)"), method="filter_due_within", min_value=0, max_value=3660)
    planned_after = django_filters.DateFilter(
        label=_("planned on or after"), field_name="planned_date", lookup_expr="gte"
    )
    planned_before = django_filters.DateFilter(
        label=_("planned on or before"), field_name="planned_date", lookup_expr="lte"
    )
    project_status = django_filters.MultipleChoiceFilter(
        label=_("project status"), field_name="project__status", choices=ProjectStatus.choices
    )

    class Meta:
        model = Milestone
        fields = ["project", "lead_org", "is_late"]

    def filter_due_within(self, queryset, name, value):
        return queryset.due_within(int(value))


class ProgressReportFilterSet(ProjectScopeFilterSet):
    project_path = "project__"
    search_fields = ("project__code", "project__name", "summary", "problems")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    # A report's year is the year of its period, not the projects under way that year.
    year = YearFilter(label=_("year"), field_name="period", method="filter_period_year")
    active_year = YearFilter(label=_("projects under way in year"), method="filter_year")

    class Meta:
        model = ProgressReport
        fields = ["project", "period", "status", "lead_org"]

    def filter_period_year(self, queryset, name, value):
        return queryset.filter(period__startswith=f"{int(value):04d}-")


class ProjectChangeRequestFilterSet(ProjectScopeFilterSet):
    project_path = "project__"
    search_fields = ("project__code", "project__name", "reason")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=ChangeRequestKind.choices)
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ChangeRequestStatus.choices)

    class Meta:
        model = ProjectChangeRequest
        fields = ["project", "kind", "status", "lead_org"]


class FundingSourceFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = FundingSource
        fields = ["is_government"]


class FundingFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name", "source__name")
    year = YearFilter(label=_("year"))
    is_government = django_filters.BooleanFilter(label=_("government funds"), field_name="source__is_government")
    lead_org = ModelMultipleChoiceFilter(
        label=_("lead unit"), field_name="project__lead_org", queryset=Organization.objects.all()
    )

    region = WithinRegionFilter(path="project__region")

    class Meta:
        model = Funding
        fields = ["project", "source", "year", "is_government", "lead_org"]


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("name", "goal")
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=IndicatorDirection.choices)
    responsible_org = ModelMultipleChoiceFilter(label=_("responsible unit"), queryset=Organization.objects.all())
    attained = django_filters.BooleanFilter(label=_("target met"), method="filter_attained")
    year = YearFilter(label=_("year"), method="filter_year")

    region = WithinRegionFilter(path="plan__region")

    class Meta:
        model = Indicator
        fields = ["plan", "responsible_org", "direction", "projects"]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_attained(self, queryset, name, value):
        """Expects ``Indicator.objects.with_attainment()``; an indicator without data has not met its target."""
        return queryset.filter(met=True) if value else queryset.exclude(met=True)


class IndicatorValueFilterSet(SearchFilterSet):
    search_fields = ("indicator__name", "note")

    region = WithinRegionFilter(path="indicator__plan__region")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "period"]


class BaselineFilterSet(SearchFilterSet):
    """The annual key-project lists: by year, region (with the regions under it) and status."""

    search_fields = ("note", "region__name")
    year = YearFilter(label=_("year"))
    region = WithinRegionFilter()
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=KeyListStatus.choices)

    class Meta:
        model = Baseline
        fields = ["year", "region", "status"]
