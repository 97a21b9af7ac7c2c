import datetime

from django.http import Http404
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import generic

from common.bounds import YEAR_MAX, YEAR_MIN
from common.views import ObjectDeleteView, ObjectEditView, ObjectPermissionMixin

from .forms import SpecialDayForm
from .models import SpecialDay
from .working_days import WorkCalendar


class YearView(ObjectPermissionMixin, generic.ListView):
    """工作日历: a year's public holidays and weekend days worked, kept by the office."""

    model = SpecialDay
    template_name = "workdays/year.html"

    def get_year(self) -> int:
        year = self.kwargs.get("year", timezone.localdate().year)
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise Http404
        return year

    def get_queryset(self):
        return SpecialDay.objects.filter(date__year=self.get_year())

    def get_context_data(self, **kwargs):
        year = self.get_year()
        days = list(self.object_list)
        return super().get_context_data(
            year=year,
            previous_year=year - 1 if year > YEAR_MIN else None,
            next_year=year + 1 if year < YEAR_MAX else None,
            working_days=WorkCalendar().working_days_between(
                datetime.date(year, 1, 1) - datetime.timedelta(days=1), datetime.date(year, 12, 31)
            ),
            provisional=any(day.provisional for day in days),
            can_add=self.request.user.can("add", SpecialDay),
            can_change=self.request.user.can("change", SpecialDay),
            can_delete=self.request.user.can("delete", SpecialDay),
            **kwargs,
        )


class SpecialDayEditView(ObjectEditView):
    model = SpecialDay
    form_class = SpecialDayForm
    template_name = "generic/object_form.html"
    list_url = reverse_lazy("workday-calendar")


class SpecialDayDeleteView(ObjectDeleteView):
    model = SpecialDay
    template_name = "workdays/specialday_confirm_delete.html"

    def get_success_url(self):
        return reverse_lazy("workday-year", args=[self.object.date.year])
