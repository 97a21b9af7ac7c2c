from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Organization
from common.api.serializers import RoundedFloatField, ValidatedModelSerializer, VersionField
from common.bounds import MONEY_MAX, TEXT_MAX, date_validators

from ..choices import Health, ProjectStatus, ProjectTier
from ..models import (
    Baseline,
    BaselineEvent,
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
    Project,
    ProjectBaseline,
    ProjectChangeRequest,
)
from ..selectors import change_request_lines, plausibility_messages

TIMESTAMPS = ["created", "last_updated"]


class OrganizationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "region", "parent", "archived_at", *TIMESTAMPS]


class DomainSerializer(ValidatedModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "code", "name", "group", *TIMESTAMPS]


class PlanSerializer(ValidatedModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "kind",
            "issuer",
            "document_number",
            "issue_date",
            "first_year",
            "last_year",
            "summary",
            *TIMESTAMPS,
        ]


class ProjectSerializer(ValidatedModelSerializer):
    progress = RoundedFloatField(help_text=_("Derived progress in percent."))
    planned_progress = RoundedFloatField(help_text=_("Progress the plan expects by today, in percent."))
    progress_lag = RoundedFloatField(help_text=_("Planned minus actual progress, in points."))
    late_milestones = serializers.IntegerField(read_only=True)
    days_late = serializers.IntegerField(read_only=True, help_text=_("Days the oldest late milestone is overdue."))
    health = serializers.ChoiceField(choices=Health.choices, read_only=True)
    warnings = serializers.SerializerMethodField(
        help_text=_("Figures that do not add up: milestone weights, phases' investment, a year's funding.")
    )
    version = VersionField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "plans",
            "domain",
            "tier",
            "lead_org",
            "region",
            "location",
            "participating_orgs",
            "investment_model",
            "total_investment",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "status",
            "parent",
            "description",
            "accepted_on",
            "is_published",
            "progress",
            "planned_progress",
            "progress_lag",
            "late_milestones",
            "days_late",
            "health",
            "warnings",
            "version",
            "archived_at",
            *TIMESTAMPS,
        ]

    def get_warnings(self, project) -> list[str]:
        return plausibility_messages(project) if hasattr(project, "milestone_weight_total") else []


class MilestoneSerializer(ValidatedModelSerializer):
    is_late = serializers.BooleanField(read_only=True)
    days_late = serializers.IntegerField(read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "weight", "planned_date", "actual_date", "note", "is_late", "days_late"]


class MilestoneCompletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MilestoneCompletion
        fields = ["milestone", "actual_date"]


class ProgressReportSerializer(ValidatedModelSerializer):
    version = VersionField()
    completions = MilestoneCompletionSerializer(
        many=True,
        required=False,
        help_text=_(
            "Milestones reached, with the day: the office's approval of the report sets their actual dates. "
            "Leave out to keep those named before."
        ),
    )
    # Files cannot travel in JSON: a report that needs a site photo is filed as multipart/form-data with these.
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        write_only=True,
        help_text=_(
            "Site photos (multipart/form-data, one part per photo), kept with the report in the same transaction. "
            "A report of a key or pilot project under construction needs at least one."
        ),
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "period",
            "progress",
            "investment_completed",
            "summary",
            "problems",
            "next_steps",
            "decline_reason",
            "completions",
            "photos",
            "status",
            "submitted_by",
            "submitted_at",
            "reviewer",
            "reviewed_at",
            "review_comment",
            "version",
            *TIMESTAMPS,
        ]
        read_only_fields = ["status", "submitted_by", "submitted_at", "reviewer", "reviewed_at", "review_comment"]

    def validate(self, attrs):
        # Checked by the service against the report's project and period (the photos: kept by it); the model has no
        # such fields.
        completions = attrs.pop("completions", None)
        photos = attrs.pop("photos", None)
        attrs = super().validate(attrs)
        if completions is not None:
            attrs["completions"] = completions
        if photos:
            attrs["photos"] = photos
        return attrs


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the report goes back to the unit."))


# At most this many reports are approved by one request: a review queue's page is far shorter.
BULK_APPROVAL_MAX = 500


class BulkApprovalSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        max_length=BULK_APPROVAL_MAX,
        error_messages={
            "not_a_list": _("Give the reports' ids as a list."),
            "empty": _("Name at least one report to approve."),
            "max_length": _("At most {max_length} reports are approved at once."),
        },
        help_text=_("The reports to approve, by id; at most 500."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


class RefusedReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    detail = serializers.CharField(help_text=_("Why the report was not approved."))


class BulkApprovalResultSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField(), help_text=_("The reports approved, by id."))
    refused = RefusedReportSerializer(many=True, help_text=_("The reports not approved, each with the reason."))


class FundingSourceSerializer(ValidatedModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["id", "code", "name", "is_government", *TIMESTAMPS]


class FundingSerializer(ValidatedModelSerializer):
    class Meta:
        model = Funding
        fields = ["id", "project", "source", "year", "planned", "allocated", "disbursed", *TIMESTAMPS]


class IndicatorSerializer(ValidatedModelSerializer):
    # Null while the indicator has no value yet.
    latest_value = serializers.FloatField(read_only=True, allow_null=True)
    latest_period = serializers.CharField(read_only=True, allow_null=True)
    attainment = RoundedFloatField(allow_null=True, help_text=_("Latest value against target, in percent."))

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "goal",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "responsible_org",
            "cooperating_orgs",
            "projects",
            "deadline",
            "latest_value",
            "latest_period",
            "attainment",
            *TIMESTAMPS,
        ]


class IndicatorValueSerializer(ValidatedModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "period", "value", "note", *TIMESTAMPS]


class ChangeRequestSerializer(serializers.ModelSerializer):
    lines = serializers.SerializerMethodField(help_text=_("The changes asked for, as (what, before, after)."))

    class Meta:
        model = ProjectChangeRequest
        fields = [
            "id",
            "project",
            "kind",
            "status",
            "effective_on",
            "reason",
            "changes",
            "lines",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields

    def get_lines(self, request) -> list[list[str]]:
        return [list(line) for line in change_request_lines(request)]


class CompletionRequestSerializer(serializers.Serializer):
    effective_on = serializers.DateField(
        validators=date_validators, help_text=_("The day the project was completed (or accepted).")
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    actual_start = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        validators=date_validators,
        help_text=_("For a project whose actual start is not recorded."),
    )


class PlanFieldsSerializer(serializers.Serializer):
    """The confirmed plan's fields a plan change may name (each optional)."""

    planned_start = serializers.DateField(required=False, validators=date_validators)
    planned_end = serializers.DateField(required=False, validators=date_validators)
    tier = serializers.ChoiceField(choices=ProjectTier.choices, required=False)
    lead_org = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False)
    parent = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    total_investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=MONEY_MAX, required=False
    )
    status = serializers.ChoiceField(
        choices=[(value, label) for value, label in ProjectStatus.choices if value not in ProjectStatus.finished()],
        required=False,
    )


class MilestoneOperationSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("add", "add"), ("change", "change"), ("delete", "delete")])
    id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text=_("For change, delete."))
    name = serializers.CharField(required=False, max_length=100)
    weight = serializers.IntegerField(required=False, min_value=1, max_value=100)
    planned_date = serializers.DateField(required=False, validators=date_validators)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs):
        action = attrs["action"]
        if action != "add" and "id" not in attrs:
            raise serializers.ValidationError({"id": _("Name the milestone to change or delete.")})
        if action == "add" and not {"name", "weight", "planned_date"} <= set(attrs):
            raise serializers.ValidationError(_("A new milestone needs its name, weight and planned date."))
        to = {name: attrs[name] for name in ("name", "weight", "planned_date", "note") if name in attrs}
        return {"action": action, "id": attrs.get("id"), "to": to}


class PlanChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the plan changes."))
    fields = PlanFieldsSerializer(required=False, default=dict)
    milestones = MilestoneOperationSerializer(many=True, required=False, default=list)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


class KeyListEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = BaselineEvent
        fields = ["actor", "at", "from_status", "to_status", "note"]
        read_only_fields = fields


class KeyListEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectBaseline
        fields = ["project", "planned_start", "planned_end", "total_investment"]
        read_only_fields = fields


class KeyListSerializer(serializers.ModelSerializer):
    project_count = serializers.IntegerField(read_only=True, help_text=_("Projects frozen in the list."))
    slipped_count = serializers.IntegerField(
        read_only=True, help_text=_("Projects whose planned end has moved later since the list froze it.")
    )
    events = KeyListEventSerializer(many=True, read_only=True, help_text=_("The list's course, oldest first."))

    class Meta:
        model = Baseline
        fields = [
            "id",
            "year",
            "region",
            "status",
            "note",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "return_reason",
            "project_count",
            "slipped_count",
            "events",
            *TIMESTAMPS,
        ]
        read_only_fields = fields


class KeyListDetailSerializer(KeyListSerializer):
    entries = KeyListEntrySerializer(many=True, read_only=True, help_text=_("Each project's frozen plan."))

    class Meta(KeyListSerializer.Meta):
        fields = [*KeyListSerializer.Meta.fields, "entries"]
        read_only_fields = fields


class KeyListSubmitSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class KeyListReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the list goes back to the district."))
