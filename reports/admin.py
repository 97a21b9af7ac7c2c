from django.contrib import admin

from common.admin import SimpleHistoryAdmin

from .models import AssessmentAdjustment, AssessmentRule


class AssessmentAdjustmentInline(admin.TabularInline):
    model = AssessmentAdjustment
    extra = 0
    fields = ["region", "points", "reason", "recorded_by"]
    readonly_fields = ["recorded_by"]
    autocomplete_fields = ["region"]


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(SimpleHistoryAdmin):
    list_display = ["region", "year", "lag_weight", "late_weight", "reports_weight", "notices_weight"]
    list_filter = ["year", "region"]
    inlines = [AssessmentAdjustmentInline]

    def save_formset(self, request, form, formset, change):
        for adjustment in formset.save(commit=False):
            adjustment.recorded_by = request.user
            adjustment.save()
        for removed in formset.deleted_objects:
            removed.delete()
