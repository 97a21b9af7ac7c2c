"""One FilterSet per supervision model: the lists' filters, the same for the pages and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Region
from common.filtersets import ModelMultipleChoiceFilter, SearchFilterSet
from projects.models import Project
from proposals.filtersets import readable
from proposals.models import Proposal, Session

from .choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus
from .models import Commitment, Instruction, Notice


class SupervisionFilterSet(SearchFilterSet):
    """What the three lists share: the unit, the subject, and ``overdue`` by the queryset's own rule."""

    unit = ModelMultipleChoiceFilter(label=_("unit"), queryset=readable(Organization))
    project = ModelMultipleChoiceFilter(label=_("project"), queryset=readable(Project))
    proposal = ModelMultipleChoiceFilter(label=_("proposal"), queryset=readable(Proposal))
    overdue = django_filters.BooleanFilter(label=_("overdue"), method="filter_overdue")

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class DueFilterMixin(django_filters.FilterSet):
    """``due``: the date has come (the notice's deadline, the promise's date) — what the on-time shares and the
    落实率 are shares of (``NoticeQuerySet.due``, ``CommitmentQuerySet.due``)."""

    due = django_filters.BooleanFilter(label=_("date has come"), method="filter_due")

    def filter_due(self, queryset, name, value):
        if value is None:
            return queryset
        due = queryset.due(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)


class NoticeFilterSet(DueFilterMixin, SupervisionFilterSet):
    search_fields = ("text", "answer", "project__name", "project__code", "proposal__title", "proposal__number")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=NoticeStatus.choices)
    level = django_filters.MultipleChoiceFilter(label=_("supervision level"), choices=NoticeLevel.choices)
    escalated = django_filters.BooleanFilter(label=_("escalated"), method="filter_escalated")
    region = django_filters.ModelChoiceFilter(
        label=_("units of the region"), queryset=readable(Region), method="filter_region"
    )
    deadline_year = django_filters.NumberFilter(
        label=_("deadline in year"), field_name="deadline", lookup_expr="year", min_value=1980, max_value=2100
    )

    def filter_escalated(self, queryset, name, value):
        if value is None:
            return queryset
        escalated = queryset.escalated().values("pk")
        return queryset.filter(pk__in=escalated) if value else queryset.exclude(pk__in=escalated)

    def filter_region(self, queryset, name, value):
        """The notices to the units of a region and the regions below it (a district's row of the assessment)."""
        return queryset.filter(unit__region__in=Region.objects.within(value)) if value else queryset

    class Meta:
        model = Notice
        fields = ["status", "level", "unit", "project", "proposal"]


class InstructionFilterSet(SupervisionFilterSet):
    search_fields = ("text", "project__name", "proposal__title")
    unit = ModelMultipleChoiceFilter(label=_("unit"), field_name="units", queryset=readable(Organization))
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=InstructionStatus.choices)

    class Meta:
        model = Instruction
        fields = ["status", "unit", "project", "proposal"]


class CommitmentFilterSet(DueFilterMixin, SupervisionFilterSet):
    search_fields = ("text", "reply__proposal__title", "reply__proposal__number")
    session = ModelMultipleChoiceFilter(
        label=_("session"), field_name="reply__proposal__session", queryset=readable(Session)
    )
    proposal = ModelMultipleChoiceFilter(label=_("proposal"), field_name="reply__proposal", queryset=readable(Proposal))
    project = ModelMultipleChoiceFilter(label=_("project"), field_name="projects", queryset=readable(Project))
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=CommitmentStatus.choices)

    class Meta:
        model = Commitment
        fields = ["status", "unit", "project", "proposal"]
