"""The district assessment's pages: the year's ranking of the regions below a region, its Excel table, and the
year's rules for the region's office to keep."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.models import Region
from common.bounds import YEAR_MAX, YEAR_MIN
from common.views import ObjectEditView, ObjectPermissionMixin
from common.xlsx import xlsx_response

from . import assessment, exports
from .assessment_forms import AssessmentAdjustmentFormSet, AssessmentChoiceForm, AssessmentRuleForm
from .choices import AssessmentIndicator
from .models import SCALE_PARTS, AssessmentRule


class AssessmentView(ObjectPermissionMixin, TemplateView):
    """区县考核: one row per region directly below the chosen region, each indicator's value and points, the
    additions and deductions with their reasons, the total and the rank; each region links to its dashboard. The
    region's office staff and leaders read it; its office staff keep the rules."""

    model = AssessmentRule
    template_name = "reports/assessment.html"

    def get(self, request, *args, **kwargs):
        form = AssessmentChoiceForm(request.GET, user=request.user)
        indicators = list(AssessmentIndicator)
        context = {"form": form, "indicators": indicators, "columns": 2 * len(indicators) + 5}
        if not form.is_valid():
            # A user with no region to assess has nothing to choose: that is the page's message, not an error.
            status = 400 if form.fields["region"].widget.choices else 200
            return self.render_to_response(self.get_context_data(**context), status=status)
        region, year = form.chosen()
        result = assessment.district_assessment(region=region, year=year)
        rule = result.rule or AssessmentRule(region=region, year=year)
        context.update(
            assessment=result,
            scales=[(indicator, result.rule.scale(indicator) if result.rule else None) for indicator in indicators],
            adjustments=[adjustment for row in result.rows for adjustment in row.adjustments],
            can_edit=request.user.can("change" if rule.pk else "add", rule),
            rule_url=reverse("assessment-rule", kwargs={"region": region.pk, "year": year}),
            export_url=f"{reverse('export-assessment')}?{urlencode({'region': region.pk, 'year': year})}",
        )
        return self.render_to_response(self.get_context_data(**context))


class AssessmentExportView(View):
    """The assessment as an official table (.xlsx): 400 when the region or year is missing or wrong."""

    def get(self, request):
        if not request.user.can("view", AssessmentRule):
            raise PermissionDenied
        form = AssessmentChoiceForm(request.GET, user=request.user)
        if not form.is_valid():
            text = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
        region, year = form.chosen()
        result = assessment.district_assessment(region=region, year=year)
        return xlsx_response(exports.district_assessment(result), f"{exports.assessment_title(result)}.xlsx")


class AssessmentRuleEditView(ObjectEditView):
    """考核细则: the year's weights and scales and the additions and deductions with their reasons, kept by the
    office of the assessing region (its own region only: ``User.can``). Opens the year's rules, or new ones that
    start from ``assessment.DEFAULT_SCALES``."""

    model = AssessmentRule
    form_class = AssessmentRuleForm
    template_name = "reports/assessment_rule_form.html"

    @cached_property
    def region(self) -> Region:
        if not YEAR_MIN <= self.kwargs["year"] <= YEAR_MAX:
            raise Http404
        return get_object_or_404(Region.objects.select_related("office"), pk=self.kwargs["region"])

    @cached_property
    def existing(self) -> AssessmentRule | None:
        return AssessmentRule.objects.filter(region=self.region, year=self.kwargs["year"]).first()

    def get_action(self) -> str:
        return "change" if self.existing else "add"

    def get_object(self, queryset=None):
        rule = self.existing or AssessmentRule(
            region=self.region, year=self.kwargs["year"], **assessment.DEFAULT_SCALES
        )
        if not self.request.user.region_scope.allows(rule, "view"):
            raise Http404
        if not self.request.user.can(self.get_action(), rule):
            raise PermissionDenied
        return rule

    def get_formsets(self):
        data = self.request.POST if self.request.method == "POST" else None
        return {
            "adjustments": AssessmentAdjustmentFormSet(
                data, instance=self.object, prefix="adjustments", assessing=self.region
            )
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("cancel_url", self.object.get_absolute_url())
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["rows"] = [
            (indicator, [form[f"{indicator}_{part}"] for part in SCALE_PARTS]) for indicator in AssessmentIndicator
        ]
        return context

    def save(self, form, formsets):
        adjustments = formsets["adjustments"]
        with transaction.atomic():
            rule = form.save()
            adjustments.instance = rule
            for changed in adjustments.save(commit=False):
                changed.recorded_by = self.request.user
                changed.save()
            for removed in adjustments.deleted_objects:
                removed.delete()
        messages.success(self.request, _("Saved %(object)s.") % {"object": rule})
        return HttpResponseRedirect(rule.get_absolute_url())
