from django import forms
from django.utils.translation import gettext_lazy as _

from common.bounds import date_validators

from .choices import AttachmentKind


class AttachmentForm(forms.Form):
    """What goes with uploaded files besides themselves: their kind and, for an official document, its number and
    date. The files are ``request.FILES.getlist("file")``."""

    kind = forms.ChoiceField(label=_("kind"), required=False)
    number = forms.CharField(label=_("document number"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("document date"), required=False, validators=date_validators)

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [(kind, AttachmentKind(kind).label) for kind in target.kinds]
        if target.takes_photos:
            # Left blank, the content decides: a picture is a site photo, anything else a document.
            self.fields["kind"].choices = [("", "---------"), *kinds]
        else:
            # Only documents: the page offers their kinds, the first chosen; left out (the API), the object's own
            # ``check`` decides whether one is needed (a project's file is kept by kind).
            self.fields["kind"].choices = kinds


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (a drop zone of photos); cleans to a list, empty when none was chosen. Their
    content is checked by ``services.attach``, which every path calls."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]

    def has_changed(self, initial, data):
        return bool(data)
