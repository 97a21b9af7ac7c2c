from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin as PackageSimpleHistoryAdmin


class ArchivedListFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


class ArchivableAdminMixin:
    """Archived rows are listed too (filter by them); only a superuser purges a row for good — everyone else
    archives it in the application, which keeps its records and history."""

    def get_list_filter(self, request):
        return [ArchivedListFilter, *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "archived_at"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SimpleHistoryAdmin(PackageSimpleHistoryAdmin):
    """django-simple-history's admin, except that reverting to a past version (a POST on the history form) needs the
    change permission: the package's own view saves that form for anyone who may merely view the object."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(
            request, self.get_object(request, unquote(object_id))
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
