import datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from .models import ArchivableModel


def style_widgets(form):
    """Bootstrap classes on every widget of ``form``, and ``is-invalid`` on fields with errors once it is bound. A
    drop-down of rows (units, plans, projects, regions: dozens to hundreds of them) and any list of several choices
    (no Ctrl-click) is marked ``data-picker``, which ``static/js/pickers.js`` turns into a searchable picker; without
    JavaScript it stays a plain select."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SelectMultiple) or (
            isinstance(field, forms.ModelChoiceField) and isinstance(widget, forms.Select)
        ):
            widget.attrs["data-picker"] = True
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("size", 5)
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)


def scope_choices(form, user):
    """Narrow every choice of a row that belongs to a region to the rows ``user`` reads (``User.scope``): a form
    offers no other region's plan, unit or project, and a posted id of one is an invalid choice."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = user.scope(queryset)  # rows of no region (domains, sources) pass unchanged


def show_limits(form):
    """The model field's bounds (``common.bounds``) as the inputs' ``min``/``max``, so the browser says them before the
    server does; texts get ``maxlength`` from their form field already."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return
    for name, field in form.fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        for validator in getattr(model_field, "validators", ()):
            for kind, attribute in ((MinValueValidator, "min"), (MaxValueValidator, "max")):
                if type(validator) is kind:
                    limit = validator.limit_value
                    value = limit.isoformat() if isinstance(limit, datetime.date) else str(limit)
                    field.widget.attrs.setdefault(attribute, value)


def hide_archived_choices(form):
    """Archived projects, units and proposals are not offered as choices, except a value the object already has
    (a project whose lead unit was archived can still be saved as it is)."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField) or not issubclass(field.queryset.model, ArchivableModel):
            continue
        current = form.initial.get(name)
        current = current if isinstance(current, list | tuple) else [current]
        keep = [getattr(value, "pk", value) for value in current if value not in (None, "")]
        field.queryset = field.queryset.filter(Q(archived_at__isnull=True) | Q(pk__in=keep))


class BootstrapMixin:
    # Model fields the view sets on the instance rather than the form, whose constraints must still be checked
    # (Django skips constraints on fields outside the form, which would turn a duplicate into a database error).
    validate_with: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.validate_with)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
        show_limits(self)
        hide_archived_choices(self)

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    widget = self.fields[name].widget
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
                    widget.attrs["aria-invalid"] = "true"


class SharedChoicesInlineFormSet(forms.BaseInlineFormSet):
    """Every row's drop-downs share one query for their choices instead of running one per row. The rows show as a
    table (includes/formset_table.html) whose column headers are not labels: each input is named by its column."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            # Only visible drop-downs; the hidden primary key and parent fields render without a query.
            if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden:
                if name not in shared:
                    shared[name] = list(field.choices)
                field.widget.choices = shared[name]
        return form


class VersionedFormMixin:
    """A hidden ``version``: the version of the object when the form was opened (``common.concurrency``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=1, max_value=10**9 - 1
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def refresh_version(self, current: int):
        """Offer the current version, so that saving again (knowingly) replaces the newer change."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = current
