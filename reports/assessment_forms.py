"""The district assessment's forms: which region and year to show, and the year's rules with their additions and
deductions. Validation is the models' own (fields, ``clean`` and the named constraints)."""

from django import forms
from django.forms import inlineformset_factory
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from accounts.selectors import region_choices
from common.bounds import YEAR_MAX, YEAR_MIN, years_between
from common.forms import BootstrapMixin, SharedChoicesInlineFormSet, style_widgets

from .choices import AssessmentIndicator
from .models import SCALE_PARTS, AssessmentAdjustment, AssessmentRule

# The years offered: the coming one (to set its rules ahead) and these many before the current one.
YEARS_BACK = 9


def assessed_regions(user) -> list[tuple[int, str]]:
    """The regions whose assessment ``user`` may read: those in the user's regions that have regions below them, in
    tree order (the user's own region first unless a region above it is the user's too)."""
    scope = user.region_scope
    parents = Region.objects.filter(children__isnull=False).values_list("pk", flat=True).distinct()
    allowed = set(parents) if scope.unbounded else set(parents) & scope.readable
    return [(pk, label) for pk, label in region_choices() if pk in allowed]


class AssessmentChoiceForm(forms.Form):
    """The region and year of the assessment page, its export and the API; without them, the user's own region (or
    the first one offered) and the current year. Whether the user may read the region is the view's to say (404)."""

    region = forms.IntegerField(label=_("region"), min_value=1, max_value=2**63 - 1)
    year = forms.IntegerField(label=_("year"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, data, *, user, **kwargs):
        this_year = timezone.localdate().year
        regions = assessed_regions(user)
        default_region = user.region.pk if user.region and user.region.pk in dict(regions) else None
        if default_region is None and regions:
            default_region = regions[0][0]
        chosen = {key: data[key] for key in ("region", "year") if data.get(key) not in ("", None)}
        super().__init__({"region": default_region, "year": this_year, **chosen}, **kwargs)
        self.user = user
        self.fields["region"].widget = forms.Select(choices=regions)
        years = years_between(this_year - YEARS_BACK, this_year + 1)
        self.fields["year"].widget = forms.Select(choices=[(year, year) for year in years])
        style_widgets(self)

    def chosen(self) -> tuple[Region, int]:
        """The region and the year of a valid form. A region that does not exist, or lies outside the user's regions,
        answers 404 (the scope rule: as if it did not exist)."""
        region = Region.objects.select_related("office").filter(pk=self.cleaned_data["region"]).first()
        year = self.cleaned_data["year"]
        if region is None or not self.user.region_scope.allows(AssessmentRule(region=region, year=year), "view"):
            raise Http404
        return region, year


class AssessmentRuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AssessmentRule
        fields = [f"{indicator}_{part}" for indicator in AssessmentIndicator.values for part in SCALE_PARTS]


class AssessmentAdjustmentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = AssessmentAdjustment
        fields = ["region", "points", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


class AssessmentAdjustmentFormSetBase(SharedChoicesInlineFormSet):
    """The rule's additions and deductions; each names a region directly below the assessing region."""

    def __init__(self, *args, assessing: Region, **kwargs):
        self.assessing = assessing
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["region"].queryset = self.assessing.children.all()


AssessmentAdjustmentFormSet = inlineformset_factory(
    AssessmentRule,
    AssessmentAdjustment,
    form=AssessmentAdjustmentForm,
    formset=AssessmentAdjustmentFormSetBase,
    extra=2,
    can_delete=True,
)
