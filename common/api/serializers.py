import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings


def unsaved_copy(model, instance, attrs):
    """``instance`` (or a new ``model`` object) with ``attrs`` applied, many-to-many fields left out, not saved."""
    many_to_many = {field.name for field in model._meta.many_to_many}
    candidate = model() if instance is None else copy.copy(instance)
    for name, value in attrs.items():
        if name not in many_to_many:
            setattr(candidate, name, value)
    return candidate


class RoundedFloatField(serializers.FloatField):
    """A derived percentage or figure, rounded for display (the database keeps full precision)."""

    def __init__(self, decimals=1, **kwargs):
        self.decimals = decimals
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else round(float(value), self.decimals)


class VersionField(serializers.IntegerField):
    """The object's version (``common.concurrency``): read it, send it back with a change, and a change made on an
    older version answers 409 instead of overwriting someone else's. Optional; the same as ``If-Match``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**9 - 1)
        kwargs.setdefault(
            "help_text",
            "Version of the object you read; a change sent with an older one is refused with 409. Optional.",
        )
        super().__init__(**kwargs)


class SlugRelatedField(serializers.SlugRelatedField):
    """An object named by a text field (a code, a name). A name with a NUL character names nothing: PostgreSQL
    cannot even compare such text, so it is refused before the query (400, not 500)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Runs the model's own validation (field validators, ``clean()``, constraints) before saving, so the API can
    store nothing that a form would refuse and a constraint answers 400, never 500."""

    def get_fields(self):
        """Related rows that belong to a region are chosen among those the caller reads (``User.scope``): another
        region's id is refused as one that does not exist."""
        fields = super().get_fields()
        request = self.context.get("request")
        scope = getattr(getattr(request, "user", None), "scope", None)
        if scope is None:
            return fields
        for field in fields.values():
            related = getattr(field, "child_relation", field)
            queryset = getattr(related, "queryset", None)
            if queryset is not None:
                related.queryset = scope(queryset)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The viewset compares the version before saving; the save itself moves it on.
        attrs.pop("version", None)
        instance = unsaved_copy(self.Meta.model, self.instance, attrs)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            detail = error.message_dict
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(get_error_detail(DjangoValidationError(detail))) from error
        return attrs
