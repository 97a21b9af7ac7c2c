from django import forms

from common.forms import BootstrapMixin

from .models import SpecialDay


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SpecialDayForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SpecialDay
        fields = ["date", "kind", "holiday", "provisional", "note"]
        widgets = {"date": DateInput()}
