"""One FilterSet per model: the same filters drive the ledger, the unit inbox, the API and the exports."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.models import Organization, Region
from common.filtersets import IntegerFilter, ModelMultipleChoiceFilter, SearchFilterSet, YearFilter

from .choices import AssignmentRole, ProposalStatus, ProposerKind, Satisfaction
from .models import Assignment, Category, Feedback, Proposal, Proposer, Reply, ResultClass, Session


def readable(model):
    """The choices of a filter: the rows of ``model`` the user reads (``User.scope``), so that another CPPCC's
    sessions, categories and units are neither offered nor named."""

    def rows(request):
        scope = getattr(getattr(request, "user", None), "scope", None)
        return scope(model.objects.all()) if scope is not None else model.objects.all()

    return rows


def cppccs(request):
    """The regions whose CPPCC's proposals the user reads."""
    return Region.objects.filter(pk__in=readable(Session)(request).values("region"))


class SessionFilterSet(SearchFilterSet):
    search_fields = ("name",)
    year = YearFilter(label=_("year"))

    class Meta:
        model = Session
        fields = ["year"]


class ProposerFilterSet(SearchFilterSet):
    search_fields = ("name", "sector", "party", "organization")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ProposerKind.choices)

    class Meta:
        model = Proposer
        fields = ["kind", "sector", "party"]


REPLY_STATES = [
    ("replied", _("Replied")),
    ("on_time", _("Replied on time")),
    ("late", _("Replied late")),
    ("none", _("No reply yet")),
    ("unpublished", _("Reply awaiting publication")),
]


class ProposalFilterSet(SearchFilterSet):
    """Expects a queryset annotated by ``Proposal.objects.with_figures()`` (``overdue`` is derived)."""

    search_fields = ("number", "title", "content", "suggestions", "proposers__name")
    cppcc = ModelMultipleChoiceFilter(label=_("CPPCC"), field_name="session__region", queryset=cppccs)
    session = ModelMultipleChoiceFilter(label=_("session"), queryset=readable(Session))
    status = django_filters.MultipleChoiceFilter(label=_("status"), choices=ProposalStatus.choices)
    category = ModelMultipleChoiceFilter(label=_("category"), queryset=readable(Category))
    # Method-backed filters: the schema is told their type (organisation ids, result class codes).
    unit = extend_schema_field(OpenApiTypes.INT)(
        ModelMultipleChoiceFilter(label=_("handling unit"), queryset=readable(Organization), method="filter_unit")
    )
    role = django_filters.ChoiceFilter(label=_("unit's role"), choices=AssignmentRole.choices, method="filter_noop")
    overdue = django_filters.BooleanFilter(label=_("overdue"))
    is_key = django_filters.BooleanFilter(label=_("key proposal"))
    result_class = extend_schema_field(OpenApiTypes.STR)(
        ModelMultipleChoiceFilter(
            label=_("result class"),
            queryset=readable(ResultClass),
            to_field_name="code",
            method="filter_result_class",
        )
    )
    satisfaction = django_filters.MultipleChoiceFilter(
        label=_("satisfaction"), choices=Satisfaction.choices, method="filter_satisfaction"
    )
    reply = django_filters.ChoiceFilter(label=_("replies"), choices=REPLY_STATES, method="filter_reply")
    project = django_filters.NumberFilter(label=_("related project"), field_name="related_projects")

    class Meta:
        model = Proposal
        fields = [
            "cppcc",
            "session",
            "status",
            "category",
            "unit",
            "overdue",
            "is_key",
            "result_class",
            "satisfaction",
        ]

    def filter_unit(self, queryset, name, value):
        if not value:
            return queryset
        assignments = Assignment.objects.filter(unit__in=value)
        role = self.form.cleaned_data.get("role")
        if role:
            assignments = assignments.filter(role=role)
        return queryset.filter(pk__in=assignments.values("proposal_id"))

    def filter_noop(self, queryset, name, value):
        """``role`` narrows ``unit`` (see ``filter_unit``); alone it filters nothing."""
        return queryset

    def filter_reply(self, queryset, name, value):
        """Whether the proposal has issued replies and whether any came late (``ReplyQuerySet.late``: signed off after
        the unit's due date); with ``unit``, that unit's replies only. On time means replied with no reply late.
        Drafts count nowhere. Awaiting publication: an issued reply of the current round is not published
        (``ReplyQuerySet.awaiting_publication``)."""
        if value == "unpublished":
            return queryset.filter(pk__in=Reply.objects.awaiting_publication().values("proposal_id"))
        replies = Reply.objects.issued()
        units = self.form.cleaned_data.get("unit")
        if units:
            replies = replies.filter(unit__in=units)
        replied = replies.values("proposal_id")
        late = replies.late().values("proposal_id")
        if value == "replied":
            return queryset.filter(pk__in=replied)
        if value == "on_time":
            return queryset.filter(pk__in=replied).exclude(pk__in=late)
        if value == "late":
            return queryset.filter(pk__in=late)
        return queryset.exclude(pk__in=replied)

    def filter_result_class(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Reply.objects.issued().filter(result_class__in=value).values("proposal_id"))

    def filter_satisfaction(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Feedback.objects.filter(satisfaction__in=value).values("proposal_id"))


class ReplyFilterSet(SearchFilterSet):
    search_fields = ("text", "doc_number", "proposal__title", "proposal__number")
    session = ModelMultipleChoiceFilter(label=_("session"), field_name="proposal__session", queryset=readable(Session))
    result_class = extend_schema_field(OpenApiTypes.STR)(
        ModelMultipleChoiceFilter(
            label=_("result class"),
            field_name="result_class__code",
            queryset=readable(ResultClass),
            to_field_name="code",
        )
    )
    unit = ModelMultipleChoiceFilter(label=_("unit"), queryset=readable(Organization))
    round = IntegerFilter(label=_("handling round"), min_value=1, max_value=99)

    class Meta:
        model = Reply
        fields = ["proposal", "session", "unit", "result_class", "round", "status", "on_behalf", "is_public"]
