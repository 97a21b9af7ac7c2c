"""The admin edits reference data; the status of a proposal changes only through the workflow (its pages and API),
so the admin shows proposals, replies and their timeline read-only."""

from django.contrib import admin

from common.admin import ArchivableAdminMixin, SimpleHistoryAdmin

from .models import Assignment, Category, Event, Feedback, Proposal, Proposer, Reply, ResultClass, Session, Signature


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "opening_date"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]


@admin.register(ResultClass)
class ResultClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "description", "order"]


@admin.register(Proposer)
class ProposerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "party", "organization"]
    list_filter = ["kind", "sector", "party"]
    search_fields = ["name", "organization"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SignatureInline(ReadOnlyInline):
    model = Signature


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["unit", "role", "assigned_on", "due_date", "original_due_date", "extension_reason", "opinion_on"]
    readonly_fields = ["original_due_date"]  # not editable: a form cannot hold it (the change page answered 500)


class EventInline(ReadOnlyInline):
    model = Event
    fields = ["at", "actor", "move", "from_status", "to_status", "note"]
    readonly_fields = ["at"]


@admin.register(Proposal)
class ProposalAdmin(ArchivableAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "session", "status", "is_key", "due_date"]
    list_filter = ["session", "status", "is_key", "category"]
    search_fields = ["number", "title"]
    readonly_fields = ["status", "round", "due_date", "not_filed_reason", "merged_into"]
    autocomplete_fields = ["related_projects"]
    inlines = [SignatureInline, AssignmentInline, EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(Reply)
class ReplyAdmin(SimpleHistoryAdmin):
    list_display = ["proposal", "unit", "round", "result_class", "doc_number", "issued_on", "is_public"]
    list_filter = ["result_class", "is_public", "round"]
    search_fields = ["proposal__number", "proposal__title", "doc_number"]
    readonly_fields = ["proposal", "unit", "round", "support_count", "oppose_count", "created_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["proposal", "proposer", "round", "satisfaction", "given_on"]
    list_filter = ["satisfaction", "round"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
