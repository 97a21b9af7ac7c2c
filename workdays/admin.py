from django.contrib import admin

from .models import SpecialDay


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "holiday", "provisional", "note"]
    list_filter = ["kind", "holiday", "provisional"]
    search_fields = ["note"]
    date_hierarchy = "date"
