from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from common.admin import ArchivableAdminMixin, SimpleHistoryAdmin

from .models import Organization, Region, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "organization", "is_staff", "is_active"]
    list_filter = ["groups", "organization", "is_staff", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Unit"), {"fields": ("organization", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Unit"), {"fields": ("organization", "groups")}),
    )


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "code", "parent", "office", "cppcc"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "office", "cppcc"]


@admin.register(Organization)
class OrganizationAdmin(ArchivableAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent", "region"]


# API tokens: issued only by /api/v1/auth/token/ (with an expiry); the admin shows them and revokes them. knox's own
# admin would add tokens that never expire.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "token_key", "created", "expiry"]
    list_filter = ["expiry"]
    search_fields = ["user__username", "token_key"]
    list_select_related = ["user"]
    readonly_fields = ["user", "token_key", "created", "expiry"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
