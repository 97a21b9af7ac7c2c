"""One FilterSet per model: the same filters drive the pages, the API and the exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.filtersets import SearchFilterSet

from .choices import (
    DomainGroup,
    Health,
    IndicatorDirection,
    InvestmentModel,
    OrganizationKind,
    PlanKind,
    ProjectStatus,
    ProjectTier,
    ReportStatus,
)
from .models import (
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Organization,
    Plan,
    ProgressReport,
    Project,
)


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=OrganizationKind.choices)

    class Meta:
        model = Organization
        fields = ["kind", "parent"]


class DomainFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    group = django_filters.MultipleChoiceFilter(label=_("group"), choices=DomainGroup.choices)

    class Meta:
        model = Domain
        fields = ["group"]


class PlanFilterSet(SearchFilterSet):
    search_fields = ("title", "issuer", "document_number")
    kind = django_filters.MultipleChoiceFilter(label=_("kind"), choices=PlanKind.choices)
    year = django_filters.NumberFilter(label=_("year"), method="filter_year")

    class Meta:
        model = Plan
        fields = ["kind"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(first_year__lte=value, last_year__gte=value)


class ProjectFilterSet(SearchFilterSet):
    """Expects a queryset annotated by ``Project.objects.with_figures()`` (health and lateness are derived)."""

    search_fields = ("code", "name", "description")
    plan = django_filters.ModelMultipleChoiceFilter(
        label=_("plan"), field_name="plans", queryset=Plan.objects.all(), method="filter_plan"
    )
    year = django_filters.NumberFilter(label=_("year"), method="filter_year")
    domain = django_filters.ModelMultipleChoiceFilter(label=_("domain"), queryset=Domain.objects.all())
    domain_group = django_filters.MultipleChoiceFilter(
        label=_("domain group"), field_name="domain__group", choices=DomainGroup.choices
    )
    tier = django_filters.MultipleChoiceFilter(label=_("tier"), choices=ProjectTier.choices)
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ProjectStatus.choices)
    health = django_filters.MultipleChoiceFilter(label=_("health"), choices=Health.choices)
    lead_org = django_filters.ModelMultipleChoiceFilter(label=_("lead unit"), queryset=Organization.objects.all())
    investment_model = django_filters.MultipleChoiceFilter(label=_("investment model"), choices=InvestmentModel.choices)
    parent = django_filters.ModelChoiceFilter(label=_("parent project"), queryset=Project.objects.all())
    has_late_milestones = django_filters.BooleanFilter(label=_("late milestones"), method="filter_late")

    class Meta:
        model = Project
        fields = ["plan", "year", "domain", "domain_group", "tier", "status", "health", "lead_org", "parent"]

    def filter_plan(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery instead of a join, so a project in two chosen plans is listed once without DISTINCT.
        in_plans = Project.plans.through.objects.filter(plan__in=value).values("project_id")
        return queryset.filter(pk__in=in_plans)

    def filter_year(self, queryset, name, value):
        return queryset.active_in_year(int(value))

    def filter_late(self, queryset, name, value):
        return queryset.filter(late_milestones__gt=0) if value else queryset.filter(late_milestones=0)


class MilestoneFilterSet(SearchFilterSet):
    """Expects a queryset annotated by ``Milestone.objects.with_lateness()``."""

    search_fields = ("name", "project__code", "project__name")
    lead_org = django_filters.ModelMultipleChoiceFilter(
        label=_("lead unit"), field_name="project__lead_org", queryset=Organization.objects.all()
    )
    is_late = django_filters.BooleanFilter(label=_("late"))
    planned_after = django_filters.DateFilter(
        label=_("planned on or after"), field_name="planned_date", lookup_expr="gte"
    )
    planned_before = django_filters.DateFilter(
        label=_("planned on or before"), field_name="planned_date", lookup_expr="lte"
    )

    class Meta:
        model = Milestone
        fields = ["project", "lead_org", "is_late"]


class ProgressReportFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name", "summary", "problems")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ReportStatus.choices)
    lead_org = django_filters.ModelMultipleChoiceFilter(
        label=_("lead unit"), field_name="project__lead_org", queryset=Organization.objects.all()
    )
    year = django_filters.NumberFilter(label=_("year"), field_name="period", method="filter_year")

    class Meta:
        model = ProgressReport
        fields = ["project", "period", "status", "lead_org"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(period__startswith=f"{int(value):04d}-")


class FundingSourceFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = FundingSource
        fields = ["is_government"]


class FundingFilterSet(SearchFilterSet):
    search_fields = ("project__code", "project__name", "source__name")
    is_government = django_filters.BooleanFilter(label=_("government funds"), field_name="source__is_government")
    lead_org = django_filters.ModelMultipleChoiceFilter(
        label=_("lead unit"), field_name="project__lead_org", queryset=Organization.objects.all()
    )

    class Meta:
        model = Funding
        fields = ["project", "source", "year", "is_government", "lead_org"]


class IndicatorFilterSet(SearchFilterSet):
    search_fields = ("name", "goal")
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=IndicatorDirection.choices)
    responsible_org = django_filters.ModelMultipleChoiceFilter(
        label=_("responsible unit"), queryset=Organization.objects.all()
    )

    class Meta:
        model = Indicator
        fields = ["plan", "responsible_org", "direction", "projects"]


class IndicatorValueFilterSet(SearchFilterSet):
    search_fields = ("indicator__name", "note")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "period"]
