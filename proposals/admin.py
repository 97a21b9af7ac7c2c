"""The admin edits reference data; the status of a proposal changes only through the workflow (its pages and API),
so the admin shows proposals, assignments, replies, feedback and their timeline read-only. Publishing or withdrawing
a reply is offered as an action that calls the same services as the pages (for those the services allow)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.admin import ArchivableAdminMixin, SimpleHistoryAdmin
from common.exceptions import ActionForbidden, WorkflowError

from . import services
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
    fields = [
        "unit",
        "role",
        "assigned_on",
        "due_date",
        "original_due_date",
        "opinion_due_date",
        "extension_reason",
        "opinion_on",
    ]
    # Not editable fields: a form cannot hold them (the change page answered 500).
    readonly_fields = ["original_due_date", "opinion_due_date"]


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


def _publication_action(service, description):
    def run(modeladmin, request, queryset):
        done = 0
        for reply in queryset:
            try:
                service(actor=request.user, reply=reply)
            except (ActionForbidden, WorkflowError, ValidationError) as error:
                message = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))
                modeladmin.message_user(request, f"{reply}: {message}", messages.ERROR)
            else:
                done += 1
        if done:
            modeladmin.message_user(request, _("%(count)d replies changed.") % {"count": done}, messages.SUCCESS)

    run.short_description = description
    run.__name__ = service.__name__
    return run


@admin.register(Reply)
class ReplyAdmin(SimpleHistoryAdmin):
    """Read-only: a reply is drafted, signed off, recorded and published through the services (pages, API), never
    edited here; the actions publish and withdraw through them, for the committee."""

    list_display = [
        "proposal",
        "unit",
        "round",
        "status",
        "result_class",
        "doc_number",
        "issued_on",
        "signed_off_on",
        "on_behalf",
        "is_public",
    ]
    list_filter = ["status", "result_class", "is_public", "on_behalf", "round"]
    search_fields = ["proposal__number", "proposal__title", "doc_number"]
    actions = [
        _publication_action(services.reply_publish, gettext_lazy("Publish the selected replies")),
        _publication_action(services.reply_withdraw, gettext_lazy("Withdraw the selected replies from publication")),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("proposals.handle_proposal"):
            actions.pop("reply_publish", None)
            actions.pop("reply_withdraw", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["proposal", "proposer", "round", "satisfaction", "given_on"]
    list_filter = ["satisfaction", "round"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
