from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Delivery, SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "recipient", "key"]
    list_filter = ["sent_on"]
    search_fields = ["recipient__username", "key"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "key", "sent_on"]

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what each channel sent, is still to send or gave up on, with its attempts and last error.
    Read-only: the dispatcher alone writes it."""

    list_display = ["created_at", "channel", "address", "kind", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["address", "key", "notification__title"]
    list_select_related = ["notification"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    date_hierarchy = "created_at"

    @admin.display(description=_("last error"))
    def short_error(self, delivery):
        return delivery.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
