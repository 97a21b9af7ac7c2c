"""The base of every import-export resource: columns (``Field``) under Chinese headers, rows matched by a natural
key, changes compared as stored, a permission check per row, history under the importing user, and native export
values a batch at a time.

A resource is made once per import or export: ``SomeResource(user=request.user)`` to import (the user is checked
row by row and recorded in the history), ``SomeResource(year=2026)`` to export. Exports give native values (numbers,
dates, text) for ``common.xlsx.Sheet``; ``get_export_columns()`` gives the matching ``Column`` list,
``prepare_export_queryset(queryset)`` adds the relations the rows read and ``export_rows(objects)`` renders them,
loading the rest a batch at a time, so that a list exports in a constant number of queries per 2,000 rows.

Importing never uses import-export's bulk mode: every row is validated and saved on its own, inside one transaction.
Its history is django-simple-history's, under the importing user: written row by row by the services that some
resources save through, and for the others once at the end of the import in a few queries
(``common.spreadsheets.history.write_history``: one record per object, with its many-to-many values), which is what
lets 5,000 rows import in seconds. A dry run (the preview) validates every row as the real run does but writes
nothing. Reading the file (the header row, encodings) is ``common.spreadsheets.reading``.
"""

import itertools
from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from common.xlsx import Column

from .cells import is_blank, normalize, normalize_header, same, shown
from .constraints import UNDECIDED, check_in_python
from .history import write_history
from .widgets import DateWidget, LookupWidget, NamesWidget, NumberWidget, TextWidget

EXPORT_BATCH = 2000  # objects an export renders at a time (their related rows fetched together)

REQUIRED = "required"
REQUIRED_NEW = "new"
OPTIONAL = "optional"
EXPORT_ONLY = "export"


class Field(fields.Field):
    """A column: its Chinese header, widget, kind (for ``common.xlsx.Column``), whether an import needs it
    (``required``: "required", "new" for new rows, "optional"; "export" for columns an import ignores) and a note
    for the template's instructions. A blank cell leaves a value as it is unless ``clears`` (nullable values)."""

    def __init__(
        self,
        attribute=None,
        column_name=None,
        widget=None,
        *,
        kind: str = "text",
        required: str = OPTIONAL,
        note="",
        clears: bool = False,
        **kwargs,
    ):
        self.kind = kind
        self.required = required
        self.note = note
        super().__init__(
            attribute=attribute,
            column_name=column_name,
            widget=widget or TextWidget(),
            readonly=required == EXPORT_ONLY or attribute is None,
            saves_null_values=clears,
            **kwargs,
        )

    def hint(self) -> str:
        """What to enter, for the import page: the note, and the allowed values unless they are a list of names."""
        parts = [str(self.note)] if self.note else []
        if self.required != EXPORT_ONLY and not isinstance(self.widget, LookupWidget | NamesWidget):
            described = self.widget.describe()
            if described:
                parts.append(described)
        return " ".join(parts)

    def requirement_label(self) -> str:
        return {
            REQUIRED: _("Required"),
            REQUIRED_NEW: _("Required for new rows"),
            OPTIONAL: _("Optional"),
            EXPORT_ONLY: _("Ignored on import (filled in by the export)"),
        }[self.required]


UNCOMPARED_FIELDS = frozenset({"id", "created", "last_updated"})


class NoDiff:
    """import-export renders an HTML diff of every row; the preview shows its own list of changes instead."""

    def __init__(self, *args, **kwargs):
        pass

    def compare_with(self, *args, **kwargs):
        pass

    def as_html(self):
        return []


class NaturalKeyLoader(BaseInstanceLoader):
    """Finds the existing objects of a whole file in one query (by the resource's natural key), not one per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = resource.load_instances(dataset)

    def get_instance(self, row):
        key = self.resource.instance_key(row)
        return None if key is None else self.instances.get(key)


def _key_part(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, str):
        return normalize(value)
    return value


class ImportResource(resources.ModelResource):
    """What every resource shares: Chinese headers, natural keys, changes compared as stored, a permission check
    per row for ``user``, history under ``user``, row numbers as in the file and native export values."""

    #: The address key (/imports/<key>/) and the name shown to people.
    key = ""
    label = ""
    #: A row holding any of these headers is the header row.
    header_markers: tuple[str, ...] = ()
    #: Columns a file must have.
    required_headers: tuple[str, ...] = ()
    #: Rows whose cells under these headers are all blank (or say 小计/合计) are headings or totals, not data.
    row_key_headers: tuple[str, ...] = ()
    #: Other spellings of headers found in the office's tables.
    header_aliases: dict[str, str] = {}
    #: Only users who write for every unit import this (office staff); otherwise the model permission is enough and
    #: each row is checked against the user's unit.
    office_only = True
    #: The column blamed when a row belongs to another unit.
    owner_field = NON_FIELD_ERRORS
    #: The column an error on a model field is shown under when that column is not in the file.
    fallback_columns: dict[str, str] = {}
    #: Rows are saved without their history, which is written for all of them at the end (``write_history``);
    #: resources that save through a service (which records history itself) turn this off.
    deferred_history = True
    #: Relations the export reads (select_related) and prefetches.
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple = ()

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_bulk = False
        clean_model_instances = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True
        instance_loader_class = NaturalKeyLoader

    def __init__(self, *, user=None, year: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.year = year or timezone.localdate().year
        #: The file's row number of each dataset row (dataset rows are numbered from 1), set by the reader.
        self.file_rows: list[int] | None = None
        self.row_changes: dict[int, list[tuple[str, str, str]]] = {}
        self.duplicates: dict[int, int] = {}
        self.headers: list[str] = []
        self.history_pending: list[tuple[Model, str]] = []
        self.links_pending: dict[str, list[tuple[Model, Model]]] = defaultdict(list)
        self.dry_run = False
        #: What looks wrong but is not refused (shown with the preview and the result).
        self.flags: list[str] = []
        self._serial = 0
        for field in self.fields.values():
            if hasattr(field.widget, "prime"):
                field.widget.user = user

    # ----- description -------------------------------------------------------------------------------------------

    @classmethod
    def column_fields(cls) -> list[Field]:
        resource = cls()
        return [resource.fields[name] for name in resource.get_export_order() if name in resource.fields]

    @classmethod
    def all_headers(cls) -> list[str]:
        return [field.column_name for field in cls.column_fields()]

    @classmethod
    def import_headers(cls) -> list[str]:
        return [field.column_name for field in cls.column_fields() if field.required != EXPORT_ONLY]

    @classmethod
    def header_lookup(cls) -> dict[str, str]:
        """Normalized header (or alias) → the resource's header."""
        lookup = {normalize_header(alias): header for alias, header in cls.header_aliases.items()}
        lookup.update({normalize_header(header): header for header in cls.all_headers()})
        return lookup

    @classmethod
    def missing_headers(cls, headers) -> list[str]:
        return [header for header in cls.required_headers if header not in headers]

    @classmethod
    def preamble_columns(cls, preamble: list[str], headers: list[str]) -> dict[str, object]:
        """Columns whose value for every row is given above the header row (in the title, say) rather than in a
        column: {header: value}. ``preamble`` is the text of each row above the header row."""
        return {}

    @classmethod
    def row_is_data(cls, record: dict) -> bool:
        """Whether a row (its cells by header) holds something to import; other rows are passed over."""
        return True

    @classmethod
    def may_import(cls, user) -> bool:
        model = cls._meta.model
        if not (user and user.is_authenticated and user.can("add", model) and user.can("change", model)):
            return False
        return user.sees_all_units or not cls.office_only

    def get_export_columns(self) -> list[Column]:
        """``common.xlsx`` columns matching ``get_export_headers()``."""
        return [Column(field.column_name, field.kind) for field in self.get_export_fields()]

    def template_sample(self) -> dict[str, object]:
        """One example row for the template, by header."""
        return {}

    # ----- reading the file --------------------------------------------------------------------------------------

    def file_row(self, number: int | None) -> int | None:
        """The row number in the file of dataset row ``number``."""
        if number is None or not self.file_rows:
            return number
        return self.file_rows[number - 1] if 0 < number <= len(self.file_rows) else number

    def column_for(self, name: str) -> str:
        """The header an error on ``name`` (a resource field, a model field or NON_FIELD_ERRORS) is shown under."""
        if name == NON_FIELD_ERRORS:
            return ""
        column = ""
        if name in self.fields:
            column = self.fields[name].column_name
        else:
            for field in self.fields.values():
                if field.attribute and field.attribute.split("__")[0] == name:
                    column = field.column_name
                    break
        if column and self.headers and column not in self.headers and column in self.fallback_columns:
            fallback = self.fallback_columns[column]
            column = fallback if fallback in self.headers else column
        if not column:
            try:
                column = str(self._meta.model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                column = name
        return column

    def key_fields(self) -> list[Field]:
        return [self.fields[name] for name in self.get_import_id_fields()]

    def instance_key(self, row) -> tuple | None:
        """The natural key of a row (None when a part is missing or names nothing)."""
        parts = []
        for field in self.key_fields():
            if field.column_name not in row:
                return None
            try:
                value = field.clean(row)
            except (ValueError, ValidationError):
                return None
            if is_blank(value):
                return None
            parts.append(_key_part(value))
        return tuple(parts)

    def key_of(self, obj) -> tuple:
        parts = []
        for field in self.key_fields():
            name = field.attribute
            model_field = self._meta.model._meta.get_field(name)
            parts.append(_key_part(getattr(obj, model_field.attname)))
        return tuple(parts)

    def load_instances(self, dataset) -> dict:
        keys = {key for row in dataset.dict if (key := self.instance_key(row)) is not None}
        if not keys:
            return {}
        # The rows a file's keys may name are those the importing user may change (``User.scope``): a code that
        # repeats in another region names the user's own row, never the other's.
        queryset = self.get_queryset()
        if self.user is not None:
            queryset = self.user.scope(queryset, "change")
        for index, field in enumerate(self.key_fields()):
            model_field = self._meta.model._meta.get_field(field.attribute)
            values = {key[index] for key in keys}
            if model_field.is_relation:
                queryset = queryset.filter(**{f"{model_field.attname}__in": values})
            elif index == 0 and len(self.key_fields()) == 1:
                raw = {str(row.get(field.column_name) or "").strip() for row in dataset.dict}
                queryset = queryset.filter(**{f"{field.attribute}__in": values | raw})
        return {self.key_of(obj): obj for obj in queryset}

    def _check_import_id_fields(self, headers):
        # The reader has already named the missing columns, in the user's words (``missing_headers``).
        pass

    def get_instance(self, instance_loader, row):
        # import-export gives up when a key column is absent; resources that can match otherwise decide themselves.
        return instance_loader.get_instance(row)

    def get_diff_class(self):
        return NoDiff

    def prime_lookups(self, dataset):
        headers = set(dataset.headers or [])
        for field in self.fields.values():
            if field.column_name in headers and hasattr(field.widget, "prime"):
                field.widget.prime(dataset[field.column_name])

    def before_import(self, dataset, **kwargs):
        self.headers = list(dataset.headers or [])
        self.prime_lookups(dataset)
        seen = {}
        for number, row in enumerate(dataset.dict, start=1):
            key = self.instance_key(row)
            if key is None:
                continue
            if key in seen:
                self.duplicates[number] = seen[key]
            else:
                seen[key] = number

    # ----- one row -----------------------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        new = instance._state.adding
        if not new and self.user is not None and not self.user.can("change", instance):
            raise ValidationError({self.owner_field: [self.permission_message()]})
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # import-export reads many-to-many columns only when saving; read them now, so that their errors are
        # reported with the others (and by a dry run, which saves nothing).
        instance._import_m2m = {}
        for field in self.fields.values():
            if isinstance(field.widget, widgets.ManyToManyWidget) and not field.readonly and field.column_name in row:
                try:
                    instance._import_m2m[field.attribute] = field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
        try:
            self.import_extra(instance, row, new=new, errors=errors, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        number = kwargs.get("row_number")
        if number in self.duplicates:
            message = _("This row repeats row %(row)s: the same record twice.") % {
                "row": self.file_row(self.duplicates[number])
            }
            errors.setdefault(NON_FIELD_ERRORS, []).append(message)
        if not errors and self.user is not None and not self.user.can("add" if new else "change", instance):
            errors[self.owner_field] = [self.permission_message()]
        if errors:
            raise ValidationError(errors)

    def import_extra(self, instance, row, *, new: bool, errors: dict, **kwargs):
        """What a resource does beyond setting fields (derived columns, generated codes)."""

    def permission_message(self) -> str:
        return _("You may only import data of your own unit.")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or instance._state.adding:
            return False
        self.compare(instance, original, row)
        return not instance._import_changes

    def compare(self, instance, original, row):
        """Note on ``instance`` what the row changes: ``_import_changed`` (model fields), ``_import_m2m_changed``
        (many-to-many fields) and ``_import_changes`` ((header, before, after) for the preview)."""
        shown_by_attribute = {}
        for field in self.fields.values():
            if field.attribute and field.required != EXPORT_ONLY:
                shown_by_attribute.setdefault(field.attribute, field)
        changes, changed = [], set()
        for model_field in self._meta.model._meta.concrete_fields:
            if model_field.name in UNCOMPARED_FIELDS:
                continue
            before = getattr(original, model_field.attname)
            after = getattr(instance, model_field.attname)
            if same(before, after):
                continue
            changed.add(model_field.name)
            field = shown_by_attribute.get(model_field.name)
            if field is not None and not isinstance(field.widget, NumberWidget | DateWidget):
                before, after = field.export(original), field.export(instance)
            changes.append((self.column_for(model_field.name), shown(before), shown(after)))
        m2m_changed = set()
        for attribute, wanted in instance._import_m2m.items():
            field = shown_by_attribute[attribute]
            # Not yet saved, so the instance's own (prefetched) values are the current ones; the original is a deep
            # copy, and deep-copied querysets lose their prefetched rows.
            current = list(getattr(instance, attribute).all())
            if sorted(obj.pk for obj in wanted) != sorted(obj.pk for obj in current):
                m2m_changed.add(attribute)
                render = field.widget.lookup.render
                changes.append(
                    (
                        field.column_name,
                        field.widget.separator.join(render(obj) for obj in current),
                        field.widget.separator.join(render(obj) for obj in wanted),
                    )
                )
        changes.extend(self.extra_changes(instance, original, row))
        instance._import_changed = changed
        instance._import_m2m_changed = m2m_changed
        instance._import_changes = changes

    def extra_changes(self, instance, original, row) -> list[tuple[str, str, str]]:
        return []

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, of what changed only (all of a new object); check constraints are evaluated in
        Python where they can be (the database would take three queries for each)."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        changed = getattr(instance, "_import_changed", None)
        if changed is not None:
            exclude |= {field.name for field in self._meta.model._meta.concrete_fields if field.name not in changed}
        # A related object the import found by name exists: Django would query again for each.
        found = {
            field.name
            for field in self._meta.model._meta.concrete_fields
            if field.many_to_one and field.is_cached(instance) and getattr(instance, field.name) is not None
        }
        try:
            instance.clean_fields(exclude=exclude | found)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        exclude |= set(errors)
        if validate_unique:
            unique_exclude = exclude
            if changed is None:
                # The file's rows were looked up by their key: a new row's key is free (repeats within the file are
                # reported on their own).
                unique_exclude = exclude | {self.fields[name].attribute for name in self.get_import_id_fields()}
            try:
                instance.validate_unique(exclude=unique_exclude)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            exclude |= set(errors)
        for model, constraints in instance.get_constraints():
            for constraint in constraints:
                try:
                    verdict = check_in_python(constraint, instance, exclude)
                    if verdict is UNDECIDED:
                        constraint.validate(model, instance, exclude=exclude)
                    elif verdict is False:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = self.user
        if self.deferred_history and not self._is_dry_run(kwargs):
            # Written for all rows at once at the end (``write_history``): one by one it would cost several
            # queries a row.
            instance.skip_history_when_saving = True

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save (with its history under the importing user) — or, in a dry run, only check what saving would."""
        self.before_save_instance(instance, row, **kwargs)
        if self._is_dry_run(kwargs):
            return
        if self.must_save(instance, is_create):
            self.do_instance_save(instance, is_create)
        self.after_save_instance(instance, row, **kwargs)

    def must_save(self, instance, is_create) -> bool:
        """An update that changes only many-to-many values (or derived ones) has nothing of its own to save."""
        return is_create or getattr(instance, "_import_changed", None) != set()

    def do_instance_save(self, instance, is_create):
        changed = getattr(instance, "_import_changed", None)
        if is_create or not changed:
            instance.save(force_insert=is_create)
        else:
            # Only what changed (and the time of the change).
            instance.save(update_fields=[*changed, "last_updated"])

    def save_m2m(self, instance, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        changed = getattr(instance, "_import_m2m_changed", None)
        for attribute, values in getattr(instance, "_import_m2m", {}).items():
            if changed is None and self.deferred_history:
                # A new object has no links yet: they are inserted with the others' at the end (``after_import``),
                # sparing the query per row with which ``add()`` looks for existing ones. (``add()`` would also send
                # ``m2m_changed``, which only the history listens to, and that is written at the end too.)
                self.links_pending[attribute].extend((instance, value) for value in values)
            elif changed is None:
                getattr(instance, attribute).add(*values)
            elif attribute in changed:
                getattr(instance, attribute).set(values)
        if self.deferred_history:
            instance.__dict__.pop("skip_history_when_saving", None)
            if getattr(instance, "_import_changed", None) is None:
                self.history_pending.append((instance, "+"))
            elif instance._import_changed or instance._import_m2m_changed:
                self.history_pending.append((instance, "~"))

    def import_data(self, dataset, dry_run=False, raise_errors=False, *args, **kwargs):
        self.dry_run = dry_run
        if not dry_run:
            return super().import_data(dataset, dry_run, raise_errors, *args, **kwargs)
        # A dry run only reads (``save_instance`` writes nothing), so its rows need no savepoint each: one
        # transaction, rolled back, is enough to keep anything from being written.
        kwargs.pop("use_transactions", None)
        kwargs.pop("rollback_on_validation_errors", None)
        collect_failed_rows = kwargs.pop("collect_failed_rows", False)
        with transaction.atomic(using=self.get_db_connection_name()):
            result = self.import_data_inner(dataset, True, raise_errors, False, collect_failed_rows, **kwargs)
            transaction.set_rollback(True, using=self.get_db_connection_name())
        return result

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.dry_run and not result.has_errors() and not result.has_validation_errors():
            for attribute, pairs in self.links_pending.items():
                field = self._meta.model._meta.get_field(attribute)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                through.objects.bulk_create(
                    [through(**{source: owner.pk, target: value.pk}) for owner, value in pairs], batch_size=500
                )
            write_history(self.history_pending, self.user)

    def after_import_row(self, row, row_result, **kwargs):
        number = kwargs.get("row_number")
        instance = row_result.instance
        if instance is not None and row_result.import_type == row_result.IMPORT_TYPE_UPDATE:
            self.row_changes[number] = getattr(instance, "_import_changes", [])
        # The preview needs only the numbers and names: let the objects go.
        row_result.instance = None
        row_result.original = None

    # ----- export ------------------------------------------------------------------------------------------------

    def prepare_export_queryset(self, queryset):
        """``queryset`` with the relations ``export_resource`` reads loaded."""
        if self.export_select_related:
            queryset = queryset.select_related(*self.export_select_related)
        return add_prefetches(queryset, *self.export_prefetch_related)

    def get_export_queryset(self):
        return self.get_queryset()

    def export(self, queryset=None, **kwargs):
        self._serial = 0
        if queryset is None:
            queryset = self.get_export_queryset()
        return super().export(self.prepare_export_queryset(queryset), **kwargs)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        if selected_fields:
            with translation.override("zh-hans"):
                return super().export_resource(instance, selected_fields, **kwargs)
        return next(self.export_rows([instance], restart=False))

    def export_rows(self, objects, *, restart: bool = True):
        """The values of each of ``objects`` (a queryset from ``prepare_export_queryset``, or its ``iterator()``),
        in the order of ``get_export_headers()``; 序号 counts from 1 (``restart=False``: goes on counting).

        Objects are taken a batch at a time, and ``load_export_batch`` fetches what a batch's rows show from their
        related tables in a few queries. Each field's way of rendering is looked up once, not per cell."""
        if restart:
            self._serial = 0
        getters = [self.export_getter(field) for field in self.get_export_fields()]
        objects = iter(objects)
        while batch := list(itertools.islice(objects, EXPORT_BATCH)):
            self.load_export_batch(batch)
            with translation.override("zh-hans"):
                rows = [[getter(obj) for getter in getters] for obj in batch]
            yield from rows

    def export_getter(self, field):
        """The function giving ``field``'s export value of an object: its ``dehydrate_…`` method, or the value of
        its attribute rendered by its widget (as import-export's ``export_field``)."""
        method = field.get_dehydrate_method(self.get_field_name(field))
        method = method if callable(method) else getattr(self, method, None)
        if method is not None:
            return method
        return lambda obj: field.widget.render(field.get_value(obj))

    def load_export_batch(self, objects: list) -> None:
        """Fetch what the rows of ``objects`` show beyond their own columns and ``prepare_export_queryset``'s
        relations, and set it on them (the export's ``dehydrate_…`` methods read it)."""

    def dehydrate_serial(self, obj):
        self._serial += 1
        return self._serial


def add_prefetches(queryset, *lookups):
    """``queryset.prefetch_related(*lookups)`` but for lookups it already prefetches (a second, different prefetch of
    the same relation would be an error)."""

    def target(lookup):
        return lookup.prefetch_to if isinstance(lookup, Prefetch) else lookup

    present = {target(lookup) for lookup in queryset._prefetch_related_lookups}
    wanted = [lookup for lookup in lookups if target(lookup) not in present]
    return queryset.prefetch_related(*wanted) if wanted else queryset


def serial_field():
    return Field(column_name="序号", kind="integer", required=EXPORT_ONLY)


def prefetched(obj: Model, name: str) -> list | None:
    """The prefetched rows of ``obj.<name>``, or None when they were not prefetched."""
    cache = getattr(obj, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None
