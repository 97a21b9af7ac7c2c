"""Forms of the workspace. Validation is the models' own (fields, ``clean`` and the named constraints), so a page, the
API and an import reject the same things with the same Chinese messages."""

import datetime

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from attachments.forms import MultipleFileField, MultipleFileInput
from common.bounds import TEXT_MAX, date_validators
from common.forms import BootstrapMixin, SharedChoicesInlineFormSet, VersionedFormMixin

from .choices import ChangeRequestKind, ProjectStatus
from .models import (
    PERIOD_REGEX,
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    period_of,
)
from .services import OFFICE_FIELDS, PLAN_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.TextInput):
    """A ``YYYY-MM`` period; the browser's month picker submits exactly that."""

    input_type = "month"


class ProjectForm(VersionedFormMixin, BootstrapMixin, forms.ModelForm):
    """The project as a whole. For a unit (``for_office`` False) the fields only the office sets are shown but not
    taken, completion and acceptance are not offered as statuses (they are requested with their dates), and changes
    to the confirmed plan go to the office with ``change_reason`` (``services.project_edit_by_unit``)."""

    change_reason = forms.CharField(
        label=_("reason for the plan change"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you change the plan (dates, investment, tier, lead unit, parent, milestones)."),
    )

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
            "location",
            "participating_orgs",
            "investment_model",
            "total_investment",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "parent",
            "description",
            "accepted_on",
            "is_published",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "accepted_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, for_office: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_office = for_office
        self.fields["parent"].queryset = Project.objects.only("pk", "code", "name")
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=self.instance.pk)
        if for_office:
            del self.fields["change_reason"]
            return
        for name in OFFICE_FIELDS:
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Set by the office.")
        current = self.instance.status
        self.fields["status"].choices = [
            (value, label)
            for value, label in self.fields["status"].choices
            if value == current or value not in ProjectStatus.finished()
        ]
        for name in PLAN_FIELDS:
            self.fields[name].help_text = _("Part of the confirmed plan: a change goes to the office.")


class MilestoneFormSetBase(SharedChoicesInlineFormSet):
    """A project's milestones saved together: their weights add up to 100 (they share out the project's progress)."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and (form.instance.pk or form.has_changed())
        ]
        total = sum(form.cleaned_data.get("weight") or 0 for form in kept)
        if kept and total != 100:
            raise forms.ValidationError(
                _("The milestones' weights add up to %(total)s; they must add up to 100.") % {"total": total}
            )


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "weight", "planned_date", "actual_date", "note"]
        widgets = {"planned_date": DateInput(), "actual_date": DateInput()}

    def __init__(self, *args, for_office: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_office:
            # Reported reached with the monthly report; the office's approval sets it.
            self.fields["actual_date"].disabled = True


class FundingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["year", "source", "planned", "allocated", "disbursed"]


MilestoneFormSet = inlineformset_factory(
    Project, Milestone, form=MilestoneForm, formset=MilestoneFormSetBase, extra=1, can_delete=True
)


class FundingFormSetBase(SharedChoicesInlineFormSet):
    """A project's funding table, saved as a whole: no year plans more money than the project's total investment."""

    def clean(self):
        super().clean()
        by_year = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("year") and data.get("planned") is not None:
                by_year[data["year"]] = by_year.get(data["year"], 0) + data["planned"]
        total = self.instance.total_investment
        over = sorted(year for year, planned in by_year.items() if planned > total)
        if over:
            raise forms.ValidationError(
                _("The funding planned for %(years)s is more than the project's total investment of %(total)s.")
                % {"years": "、".join(str(year) for year in over), "total": total}
            )


FundingFormSet = inlineformset_factory(
    Project, Funding, form=FundingForm, formset=FundingFormSetBase, extra=2, can_delete=True
)


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "kind", "issuer", "document_number", "issue_date", "first_year", "last_year", "summary"]
        widgets = {"issue_date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


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
    """One project's report on the reporting page; the project and period come from the page, not the form.
    ``photos`` are the files dropped on the row (``<prefix>-photos``), checked and kept by the reporting service.

    ``milestones``: the project's open milestones, each offered as a date field ``reached_<pk>`` (reached on that day;
    the office's approval of the report sets the milestone's actual date)."""

    class Meta:
        model = ProgressReport
        fields = ["progress", "investment_completed", "summary", "problems", "next_steps", "decline_reason"]
        widgets = {
            "progress": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            "investment_completed": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "decline_reason": forms.Textarea(attrs={"rows": 2}),
        }

    # Site photos (现场照片) sent with the report; the reporting service keeps them with it (``attachments.attach``).
    photos = MultipleFileField(
        label=_("Site photos"),
        required=False,
        widget=MultipleFileInput(attrs={"class": "mt-2", "accept": "image/jpeg,image/png,image/heic,image/heif,.heic"}),
    )

    def __init__(self, *args, milestones=(), reached=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for milestone in self.milestones:
            self.fields[f"reached_{milestone.pk}"] = forms.DateField(
                label=milestone.name,
                required=False,
                validators=date_validators,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
                initial=(reached or {}).get(milestone.pk),
                help_text=_("planned %(date)s") % {"date": milestone.planned_date.isoformat()},
            )

    @property
    def milestone_fields(self):
        return [self[f"reached_{milestone.pk}"] for milestone in self.milestones]

    def completions(self) -> dict:
        """The milestones reached, by the day entered."""
        return {
            milestone: self.cleaned_data[f"reached_{milestone.pk}"]
            for milestone in self.milestones
            if self.cleaned_data.get(f"reached_{milestone.pk}")
        }


class ChangeRequestForm(BootstrapMixin, forms.Form):
    """A unit asks the office to confirm its project completed or accepted."""

    kind = forms.ChoiceField(
        choices=[(ChangeRequestKind.COMPLETION, _("Completion")), (ChangeRequestKind.ACCEPTANCE, _("Acceptance"))],
        widget=forms.HiddenInput,
    )
    effective_on = forms.DateField(label=_("date"), widget=DateInput(), validators=date_validators)
    actual_start = forms.DateField(
        label=_("actual start"),
        required=False,
        widget=DateInput(),
        validators=date_validators,
        help_text=_("If not recorded yet."),
    )
    reason = forms.CharField(
        label=_("note"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecisionForm(BootstrapMixin, forms.Form):
    """The office's confirmation or return of a request; a return needs its reason."""

    note = forms.CharField(
        label=_("note"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


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
    """A year's key-project list to submit (or, with no office above, to approve)."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class KeyListReturnForm(BootstrapMixin, forms.Form):
    # Required by the service (``key_list_return``), which says so in its own words.
    reason = forms.CharField(
        label=_("reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX,
        required=False,
        strip=True,
    )
