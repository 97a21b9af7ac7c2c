from django.contrib import admin

from .models import SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "recipient", "key"]
    list_filter = ["sent_on"]
    search_fields = ["recipient__username", "key"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "key", "sent_on"]

    def has_add_permission(self, request):
        return False
