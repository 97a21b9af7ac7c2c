"""催报: the office's list of units with missing reports for a month, a 催报 button per unit and one for every
overdue unit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from accounts.models import Organization
from common.exceptions import ActionForbidden, WorkflowError
from common.views import ObjectPermissionMixin, parse_pk

from ..forms import PeriodForm
from ..models import Chase
from ..selectors import units_to_chase
from ..services.chasing import report_chase, report_chase_overdue


class ChaseListView(ObjectPermissionMixin, generic.TemplateView):
    """``?period=YYYY-MM`` (this month by default). POST ``unit=<pk>`` chases one unit, ``all=1`` every overdue one."""

    model = Chase
    action = "add"
    template_name = "supervision/chase_list.html"

    def period_form(self, data):
        form = PeriodForm(data if data.get("period") else {"period": f"{timezone.localdate():%Y-%m}"})
        form.is_valid()
        return form

    def page(self, form, status=200):
        if not form.is_valid():
            return self.render_to_response({"form": form, "rows": []}, status=400)
        period = form.cleaned_data["period"]
        rows = units_to_chase(self.request.user, period)
        context = {
            "form": form,
            "period": period,
            "rows": rows,
            "missing_total": sum(row["missing"] for row in rows),
            "overdue_waiting": sum(1 for row in rows if row["overdue"] and not row["chased_today"]),
        }
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.page(self.period_form(request.GET))

    def post(self, request, *args, **kwargs):
        form = self.period_form(request.POST)
        if not form.is_valid():
            return self.render_to_response({"form": form, "rows": []}, status=400)
        period = form.cleaned_data["period"]
        back = f"{reverse('chase-list')}?period={period}"
        try:
            if request.POST.get("all"):
                chased, skipped = report_chase_overdue(actor=request.user, period=period)
                messages.success(
                    request, _("%(count)d units chased for %(period)s.") % {"count": len(chased), "period": period}
                )
                if skipped:
                    messages.info(request, _("%(count)d units were passed over.") % {"count": skipped})
                return HttpResponseRedirect(back)
            pk = parse_pk(request.POST.get("unit"))
            unit = get_object_or_404(Organization.all_objects, pk=pk)
            report_chase(actor=request.user, unit=unit, period=period)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except WorkflowError as error:
            messages.error(request, error.message)
            return self.page(form, status=409)
        messages.success(request, _("%(unit)s chased for %(period)s.") % {"unit": unit, "period": period})
        return HttpResponseRedirect(back)
