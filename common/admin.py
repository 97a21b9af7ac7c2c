from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as AdminConfigBase
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
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


class RegionScopedAdminMixin:
    """The admin under the scope rule (``User.scope``, ``accounts.models.RegionScope``): office staff list and open
    the rows of their regions, change only their own region's, and choose related rows among those they read."""

    def get_queryset(self, request):
        return request.user.scope(super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request.user.region_scope.allows(obj, "change"))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or request.user.region_scope.allows(obj, "delete"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = request.user.scope(queryset)
        return field

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history shows the history of rows gone from the list too: outside the user's regions, none.
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        # The row as it will be saved: nobody hands a row to a region they may not write.
        if not request.user.region_scope.allows(obj, "change"):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class ScopedAdminSite(admin.AdminSite):
    """The admin site: every model that belongs to a region (``region_path``) is registered under the scope rule."""

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else list(model_or_iterable)
        for model in models:
            chosen = admin_class or admin.ModelAdmin
            if getattr(model, "region_path", None):
                chosen = type(f"RegionScoped{chosen.__name__}", (RegionScopedAdminMixin, chosen), {})
            super().register(model, chosen, **options)


class AdminConfig(AdminConfigBase):
    default_site = "common.admin.ScopedAdminSite"
