"""One FilterSet per supervision model: the lists' filters, the same for the pages and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from common.filtersets import ModelMultipleChoiceFilter, SearchFilterSet
from projects.models import Project
from proposals.filtersets import readable
from proposals.models import Proposal

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


class NoticeFilterSet(SupervisionFilterSet):
    search_fields = ("text", "answer", "project__name", "project__code", "proposal__title", "proposal__number")
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=NoticeStatus.choices)
    level = django_filters.MultipleChoiceFilter(label=_("supervision level"), choices=NoticeLevel.choices)

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


class CommitmentFilterSet(SupervisionFilterSet):
    search_fields = ("text", "reply__proposal__title", "reply__proposal__number")
    proposal = ModelMultipleChoiceFilter(label=_("proposal"), field_name="reply__proposal", queryset=readable(Proposal))
    project = ModelMultipleChoiceFilter(label=_("project"), field_name="projects", queryset=readable(Project))
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=CommitmentStatus.choices)

    class Meta:
        model = Commitment
        fields = ["status", "unit", "project", "proposal"]
