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


class RegionScopedAdminMixin:
    """Staff see the rows of their regions (``User.scope``) and choose related rows among their own region's: a
    CPPCC's data never reaches another CPPCC through the admin either."""

    def get_queryset(self, request):
        return request.user.scope(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(db_field.related_model, "region_path") and db_field.name != "region":
            field.queryset = request.user.scope(field.queryset, "change")
        return field


class CppccReferenceAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """A CPPCC's own rows (sessions, categories, result classes, proposers): staff add them to their own region's
    CPPCC and never move one to another; the superuser chooses the region of a new row."""

    def get_readonly_fields(self, request, obj=None):
        fixed = not request.user.is_superuser or obj is not None
        return [*super().get_readonly_fields(request, obj), *(["region"] if fixed else [])]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "region" in form.base_fields:
            return form
        region = obj.region if obj is not None else request.user.region

        class OwnRegionForm(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                self.instance.region = region

            def _get_validation_exclusions(self):
                # The region is set here, not by the form: the name is still checked as unique within it.
                exclusions = super()._get_validation_exclusions()
                exclusions.discard("region")
                return exclusions

        return OwnRegionForm


@admin.register(Session)
class SessionAdmin(CppccReferenceAdmin):
    list_display = ["name", "region", "year", "opening_date"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(CppccReferenceAdmin):
    list_display = ["name", "region", "order"]
    search_fields = ["name"]


@admin.register(ResultClass)
class ResultClassAdmin(CppccReferenceAdmin):
    list_display = ["code", "name", "region", "description", "order"]


@admin.register(Proposer)
class ProposerAdmin(CppccReferenceAdmin):
    list_display = ["name", "region", "kind", "sector", "party", "organization"]
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
class ProposalAdmin(RegionScopedAdminMixin, ArchivableAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "session", "status", "is_key", "due_date"]
    list_filter = [
        ("session", admin.RelatedOnlyFieldListFilter),
        "status",
        "is_key",
        ("category", admin.RelatedOnlyFieldListFilter),
    ]
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
class ReplyAdmin(RegionScopedAdminMixin, SimpleHistoryAdmin):
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
    list_filter = ["status", ("result_class", admin.RelatedOnlyFieldListFilter), "is_public", "on_behalf", "round"]
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
class FeedbackAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["proposal", "proposer", "round", "satisfaction", "given_on"]
    list_filter = ["satisfaction", "round"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
