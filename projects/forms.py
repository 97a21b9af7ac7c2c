"""Forms of the workspace. Validation is the models' own (fields, ``clean`` and the named constraints), so a page, the
API and an import reject the same things with the same Chinese messages."""

import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapMixin, SharedChoicesInlineFormSet, VersionedFormMixin

from .models import (
    PERIOD_REGEX,
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Organization,
    Plan,
    ProgressReport,
    Project,
    period_of,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    """A ``YYYY-MM`` period; the browser's month picker submits exactly that."""

    input_type = "month"


class ProjectForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "plans",
            "domain",
            "tier",
            "status",
            "lead_org",
            "participating_orgs",
            "investment_model",
            "total_investment",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "parent",
            "description",
            "is_published",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Project.objects.only("pk", "code", "name")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "weight", "planned_date", "actual_date", "note"]
        widgets = {"planned_date": DateInput(), "actual_date": DateInput()}


class FundingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["year", "source", "planned", "allocated", "disbursed"]


MilestoneFormSet = inlineformset_factory(
    Project, Milestone, form=MilestoneForm, formset=SharedChoicesInlineFormSet, extra=2, can_delete=True
)
FundingFormSet = inlineformset_factory(
    Project, Funding, form=FundingForm, formset=SharedChoicesInlineFormSet, extra=2, can_delete=True
)


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "kind", "issuer", "document_number", "issue_date", "first_year", "last_year", "summary"]
        widgets = {"issue_date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class OrganizationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].queryset = Organization.objects.exclude(pk=self.instance.pk)


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "plan",
            "goal",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "deadline",
            "responsible_org",
            "cooperating_orgs",
            "projects",
        ]
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = Project.objects.only("pk", "code", "name")


class IndicatorValueForm(BootstrapMixin, forms.ModelForm):
    validate_with = ("indicator",)

    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "note"]
        widgets = {"period": MonthInput()}


IndicatorValueFormSet = inlineformset_factory(
    Indicator, IndicatorValue, form=IndicatorValueForm, formset=SharedChoicesInlineFormSet, extra=1, can_delete=True
)


class ProgressReportForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """One project's report on the reporting page; the project and period come from the page, not the form."""

    class Meta:
        model = ProgressReport
        fields = ["progress", "investment_completed", "summary", "problems", "next_steps"]
        widgets = {
            "progress": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            "investment_completed": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }


class PeriodForm(BootstrapMixin, forms.Form):
    """The month a reporting page is about: any month up to the current one."""

    period = forms.RegexField(label=_("period"), regex=PERIOD_REGEX, widget=MonthInput())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_period = period_of(today)
        self.fields["period"].widget.attrs["max"] = self.current_period

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period > self.current_period:
            raise forms.ValidationError(_("Reports can only be filed for the current month or earlier ones."))
        return period


class ReturnReportForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, strip=True
    )


class BaselineForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
