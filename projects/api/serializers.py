from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api.serializers import RoundedFloatField, ValidatedModelSerializer, VersionField
from common.bounds import TEXT_MAX

from ..choices import Health, Role
from ..models import (
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
    User,
)

TIMESTAMPS = ["created", "last_updated"]


class OrganizationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "parent", "archived_at", *TIMESTAMPS]


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
            "is_published",
            "progress",
            "planned_progress",
            "progress_lag",
            "late_milestones",
            "days_late",
            "health",
            "version",
            "archived_at",
            *TIMESTAMPS,
        ]


class MilestoneSerializer(ValidatedModelSerializer):
    is_late = serializers.BooleanField(read_only=True)
    days_late = serializers.IntegerField(read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "weight", "planned_date", "actual_date", "note", "is_late", "days_late"]


class ProgressReportSerializer(ValidatedModelSerializer):
    version = VersionField()

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


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, help_text=_("Why the report goes back to the unit."))


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


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "roles", "organization", "organization_name"]

    def get_roles(self, user) -> list[str]:
        return [role for role in Role.values if role in user.roles]


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_('Send it as "Authorization: Token <token>"; it is shown this once.'))
    expiry = serializers.DateTimeField(help_text=_("When the token stops working; ask for a new one before."))
