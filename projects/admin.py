from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ArchivableAdminMixin, SimpleHistoryAdmin

from .choices import Health
from .models import (
    Baseline,
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneCompletion,
    Plan,
    ProgressReport,
    ProgressReportEvent,
    Project,
    ProjectBaseline,
    ProjectChangeRequest,
)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group"]
    list_filter = ["group"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "issuer", "document_number", "issue_date", "first_year", "last_year"]
    list_filter = ["kind", "first_year"]
    search_fields = ["title", "issuer", "document_number"]
    date_hierarchy = "issue_date"


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "weight", "planned_date", "actual_date", "note"]
    # Reached milestones are reported with the monthly report and dated by its approval.
    readonly_fields = ["actual_date"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ["source", "year", "planned", "allocated", "disbursed"]


@admin.register(Project)
class ProjectAdmin(ArchivableAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "domain",
        "tier",
        "lead_org",
        "status",
        "total_investment",
        "planned_end",
        "progress",
        "health",
    ]
    list_filter = ["status", "tier", "domain__group", "domain", "investment_model", "plans", "lead_org"]
    search_fields = ["code", "name", "description"]
    list_select_related = ["domain", "lead_org"]
    autocomplete_fields = ["domain", "lead_org", "participating_orgs", "parent"]
    filter_horizontal = ["plans"]
    inlines = [MilestoneInline, FundingInline]
    # Completion and acceptance are confirmed through their requests (projects.services), as everywhere else.
    readonly_fields = ["status", "actual_end", "accepted_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures()

    @admin.display(description=_("Progress"), ordering="progress")
    def progress(self, project):
        return f"{project.progress:.1f}%"

    @admin.display(description=_("Health"), ordering="health")
    def health(self, project):
        return Health(project.health).label


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    readonly_fields = ["actual_date"]
    list_display = ["project", "name", "weight", "planned_date", "actual_date"]
    list_filter = ["project__lead_org", "name"]
    search_fields = ["name", "project__code", "project__name"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    date_hierarchy = "planned_date"


class ReadOnlyAdminMixin:
    """Rows written only by a workflow's services (reports, requests): the admin shows them and their history, and
    changes go through the pages and the API, where the rules are checked."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MilestoneCompletionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MilestoneCompletion
    extra = 0
    fields = readonly_fields = ["milestone", "actual_date"]


class ProgressReportEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The report's review steps (审核记录), as the services recorded them."""

    model = ProgressReportEvent
    extra = 0
    can_delete = False  # the trail stays whole; purging the report takes it along
    fields = readonly_fields = ["at", "actor", "from_status", "to_status", "note"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Reports are filed on the reporting page (or the API, or an import) and reviewed in the review queue; an approved
    figure never changes here (the API answers 409 to the same change)."""

    list_display = ["project", "period", "progress", "investment_completed", "status", "submitted_at", "reviewer"]
    list_filter = ["status", "period", "project__lead_org"]
    search_fields = ["project__code", "project__name", "summary", "problems"]
    list_select_related = ["project", "reviewer"]
    inlines = [MilestoneCompletionInline, ProgressReportEventInline]


@admin.register(ProjectChangeRequest)
class ProjectChangeRequestAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["project", "kind", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["kind", "status", "project__lead_org"]
    search_fields = ["project__code", "project__name", "reason"]
    list_select_related = ["project", "requested_by", "decided_by"]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_government"]
    list_filter = ["is_government"]
    search_fields = ["code", "name"]


@admin.register(Funding)
class FundingAdmin(SimpleHistoryAdmin):
    list_display = ["project", "source", "year", "planned", "allocated", "disbursed"]
    list_filter = ["year", "source", "source__is_government"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project", "source"]
    autocomplete_fields = ["project"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    fields = ["period", "value", "note"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "unit", "baseline", "target", "direction", "responsible_org", "deadline"]
    list_filter = ["plan", "direction", "responsible_org"]
    search_fields = ["name", "goal"]
    list_select_related = ["plan", "responsible_org"]
    autocomplete_fields = ["responsible_org", "cooperating_orgs", "projects"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "note"]
    list_filter = ["period", "indicator__plan"]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]


class ProjectBaselineInline(admin.TabularInline):
    model = ProjectBaseline
    extra = 0
    fields = ["project", "planned_start", "planned_end", "total_investment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    """Key-project lists are submitted, approved and returned in the workspace (services.key_lists); the admin only
    shows them."""

    list_display = ["year", "region", "status", "decided_by", "decided_at", "note"]
    list_filter = ["status", "year"]
    list_select_related = ["region", "decided_by"]
    search_fields = ["year", "note", "region__name"]
    readonly_fields = ["year", "region", "status", "submitted_by", "submitted_at", "decided_by", "decided_at"]
    inlines = [ProjectBaselineInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ProjectBaseline)
class ProjectBaselineAdmin(admin.ModelAdmin):
    list_display = ["baseline", "project", "planned_start", "planned_end", "total_investment"]
    list_filter = ["baseline"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["baseline", "project"]
    readonly_fields = ["baseline", "project", "planned_start", "planned_end", "total_investment"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
