"""Generic pages every app builds on: a filtered, sorted, paginated list; a detail page; edit and delete forms.

Every view checks ``User.can`` on the server, the same rule the API and the services use: first for the model
(a role without the permission gets 403 before any lookup), then for the object itself, and for edits once more for
the object's new state, so that nobody can hand an object to a unit they may not write for.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.http import require_safe

from . import concurrency, db, xlsx
from .data_version import cached_under, reader_version
from .exceptions import ActionForbidden, StaleVersionError, WorkflowError
from .filtersets import filter_chips
from .forms import scope_choices, style_widgets
from .text import shortened_list

PER_PAGE_CHOICES = (25, 50, 100, 200)
# A list's parameters that change which page is shown and how, never which rows or how many.
VIEW_ONLY_PARAMS = frozenset({"page", "ordering", "per_page"})
EXPORT_KINDS = ("xlsx", "csv")
EXPORT_CHUNK = 2000


def counted(rows: Iterable, progress: Callable[[int], None], every: int = EXPORT_CHUNK) -> Iterator:
    """``rows`` as they are, telling ``progress`` how many have passed after every ``every`` rows and at the end."""
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % every == 0:
            progress(done)
    progress(done)


def parse_pk(value) -> int | None:
    """A primary key from a query or form value; None for anything else (``"²"``, ``"1e3"``, twenty digits)."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


class ObjectPermissionMixin:
    """403 unless the user may do ``action`` on ``model`` and, for a single object, on that object."""

    model = None
    action = "view"
    # Pages answer GET and POST only: Django's edit views would take a PUT as an empty POST, and its delete view a
    # DELETE as a deletion without the confirmation's handling (a protected object answered 500).
    http_method_names = ["get", "post", "head", "options"]

    def get_action(self) -> str:
        return self.action

    def dispatch(self, request, *args, **kwargs):
        if not request.user.can(self.get_action(), self.model):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        user = self.request.user
        # Outside the user's regions an object answers as if it did not exist, not with a 403 that says it does.
        if not user.region_scope.allows(obj, "view"):
            raise Http404
        if not user.can(self.get_action(), obj):
            raise PermissionDenied
        return obj


class CountedPaginator(Paginator):
    """A paginator whose row count comes from ``count()`` (a cached one), asked once."""

    def __init__(self, *args, count: Callable[[], int], **kwargs):
        super().__init__(*args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


class ObjectListView(ObjectPermissionMixin, generic.ListView):
    """A list filtered by the model's FilterSet (the one the API uses), sortable by ``ordering_fields``.

    ``ordering_fields`` maps the ``ordering`` parameter's names to field paths or expressions; anything else is
    ignored, so a hand-edited URL cannot sort by an arbitrary column. A filter the form rejects (a unit since deleted,
    a misspelt status) lists nothing rather than everything, with the form saying what is wrong.
    """

    filterset_class = None
    # Filters over thousands of rows (``project``): their menu offers only the value chosen (a link from a project's
    # page), not every row, whose options would make the page a megabyte; the search box finds the others.
    chosen_only_filters: tuple[str, ...] = ()
    ordering_fields: dict[str, str] = {}
    default_ordering: tuple[str, ...] = ()
    paginate_by = 50
    # ``?export=xlsx`` or ``?export=csv``: every row the filters choose (not just the page shown), in the columns of
    # this import-export resource (``get_export_columns``, ``export_rows``), so that the file imports back.
    # ``export_title`` names the sheet and the file.
    export_resource_class = None
    export_title = ""

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("export")
        if kind in EXPORT_KINDS and self.export_resource_class is not None:
            return self.export(kind)
        return super().get(request, *args, **kwargs)

    def export(self, kind: str):
        # Every row, however many (up to EXPORT_JOB_THRESHOLD_ROWS, where the list views make it a background job).
        db.lift_statement_timeout()
        title, columns, rows = self.export_data()
        filename = self.export_filename(kind)
        if kind == "csv":
            return xlsx.csv_response([column.header for column in columns], rows, filename)
        return xlsx.xlsx_response(xlsx.list_workbook(title, columns, rows), filename)

    def export_data(self) -> tuple[str, list, Iterator[list]]:
        """The export's title, its columns and its rows (read from the database in chunks as they are written)."""
        resource = self.export_resource_class()
        queryset = resource.prepare_export_queryset(self.get_queryset())
        rows = resource.export_rows(queryset.iterator(chunk_size=EXPORT_CHUNK))
        return self.export_heading(), resource.get_export_columns(), rows

    def export_heading(self) -> str:
        return str(self.export_title or self.model._meta.verbose_name_plural)

    def export_filename(self, kind: str) -> str:
        return f"{self.export_heading()}-{timezone.localdate():%Y%m%d}.{kind}"

    def export_row_count(self) -> int:
        return self.get_queryset().count()

    def write_export(self, out: BinaryIO, progress: Callable[[int], None]) -> str:
        """Write the file ``?export=`` asks for to ``out``, the same file ``export`` sends, calling ``progress`` with
        the rows written after every chunk of them (a background job's progress). Returns the file's name."""
        kind = self.request.GET.get("export")
        if kind not in EXPORT_KINDS:
            raise ValueError(f"Unknown export kind {kind!r}")
        title, columns, rows = self.export_data()
        rows = counted(rows, progress)
        if kind == "csv":
            for chunk in xlsx.csv_chunks([column.header for column in columns], rows):
                out.write(chunk.encode())
        else:
            xlsx.list_workbook(title, columns, rows).save(out)
        return self.export_filename(kind)

    def cached_for_list(self, name: str, compute: Callable):
        """``compute()`` for this list as filtered, cached under the data version of what the reader reads: exact,
        as any write to those rows moves it (``common.data_version``). At a province's size counting a million
        reports for the page links took 150 ms a request."""
        params = sorted((key, tuple(values)) for key, values in self.request.GET.lists() if key not in VIEW_ONLY_PARAMS)
        user = self.request.user
        parts = (type(self).__qualname__, user.region_scope.key, params, timezone.localdate(), get_language())
        return cached_under(f"list-{name}", self.reader_version, parts, compute)

    @cached_property
    def reader_version(self) -> str | None:
        return reader_version(self.request.user, self.model)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return CountedPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count=lambda: self.cached_for_list("count", queryset.count),
            **kwargs,
        )

    def get_paginate_by(self, queryset):
        try:
            per_page = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return per_page if per_page in PER_PAGE_CHOICES else self.paginate_by

    @property
    def show_archived(self) -> bool:
        """``?archived=true`` lists the archived rows of a model users archive instead of deleting."""
        return hasattr(self.model, "all_objects") and self.request.GET.get("archived") in ("true", "1")

    def rows(self):
        """Where the list starts: the active rows, or the archived ones (``show_archived``)."""
        if self.show_archived:
            return self.model.all_objects.filter(archived_at__isnull=False)
        return self.model.objects.all()

    def get_base_queryset(self):
        return self.rows()

    def get_ordering(self):
        requested = self.request.GET.get("ordering", "")
        name = requested.removeprefix("-")
        if name in self.ordering_fields:
            # Rows without a value (no baseline, no data yet) go last either way, on every database.
            field = self.ordering_fields[name]
            field = F(field) if isinstance(field, str) else field
            order = field.desc(nulls_last=True) if requested.startswith("-") else field.asc(nulls_last=True)
            return (order, *self.default_ordering)
        return self.default_ordering

    def get_queryset(self):
        queryset = self.request.user.scope(self.get_base_queryset())
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
            style_widgets(self.filterset.form)
            if self.filterset.is_bound:
                queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        self.filtered_queryset = queryset
        ordering = self.get_ordering()
        return queryset.order_by(*ordering) if ordering else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = getattr(self, "filterset", None)
        for name in self.chosen_only_filters if context["filterset"] is not None else ():
            field = context["filterset"].form.fields[name]
            field.queryset = field.queryset.filter(pk=parse_pk(self.request.GET.get(name)))
        chips, hidden = (
            filter_chips(context["filterset"], self.request.GET, self.request.path)
            if context["filterset"] is not None and context["filterset"].is_bound
            else ([], 0)
        )
        context["filter_chips"], context["filter_chips_hidden"] = chips, hidden
        # The panel of filters stays folded (the chips say what is in use) unless one of them needs correcting.
        context["filter_errors"] = context["filterset"] is not None and any(
            name != "search" for name in context["filterset"].form.errors
        )
        context["filters_in_use"] = sum(chip.name != "search" for chip in chips) + hidden
        context["ordering"] = self.request.GET.get("ordering", "")
        context["per_page_choices"] = PER_PAGE_CHOICES
        context["show_archived"] = self.show_archived
        context["archivable"] = hasattr(self.model, "all_objects")
        context["can_add"] = self.request.user.can("add", self.model)
        return context


class ObjectDetailView(ObjectPermissionMixin, generic.DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_change"] = user.can("change", self.object)
        context["can_delete"] = user.can("delete", self.object)
        return context


def add_violation(form, error: IntegrityError) -> bool:
    """The constraint that refused a save (``common.db.constraint_violation``) as an error of the form: under its
    field when the form shows it, else above the form. False for an error no constraint explains."""
    violation = db.constraint_violation(error)
    if violation is None:
        return False
    form.add_error(violation.field if violation.field in form.fields else None, violation.message)
    return True


class ObjectEditView(ObjectPermissionMixin, generic.UpdateView):
    """Create (no ``pk`` in the URL) or change one object, optionally with inline formsets saved in one transaction.

    ``formset_classes`` maps a context name to an inline formset class for ``model``. Nothing is saved unless the
    form and every formset are valid.
    """

    template_name_suffix = "_form"
    formset_classes: dict = {}
    list_url = None  # where Cancel leads when there is no object yet

    def get_action(self) -> str:
        return "change" if self.kwargs.get("pk") else "add"

    def get_object(self, queryset=None):
        if not self.kwargs.get("pk"):
            return None
        return super().get_object(queryset)

    def get_formsets(self):
        data = self.request.POST if self.request.method == "POST" else None
        instance = self.object if self.object is not None else self.model()
        return {
            name: formset_class(data, instance=instance, prefix=name)
            for name, formset_class in self.formset_classes.items()
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formsets", self.get_formsets())
        kwargs.setdefault("cancel_url", self.object.get_absolute_url() if self.object else self.list_url)
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        scope_choices(form, self.request.user)
        return form

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        formsets = self.get_formsets()
        status = 200
        if form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
            if not self.request.user.can(self.get_action(), self.instance_to_check(form)):
                form.add_error(None, _("You may only keep data of your own unit."))
            else:
                try:
                    return self.save(form, formsets)
                except StaleVersionError as error:
                    # The user's input stays on the page; saving again now replaces the other change knowingly.
                    form.add_error(None, error.message)
                    form.refresh_version(error.current_version)
                    status = 409
                except IntegrityError as error:
                    # Someone saved the same plan, code or name since the form was checked: as the check would say.
                    if not add_violation(form, error):
                        raise
        messages.error(request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form, formsets=formsets), status=status)

    def instance_to_check(self, form):
        """The object whose unit must be the user's: the object as the form would save it."""
        return form.instance

    def save(self, form, formsets):
        with transaction.atomic():
            if "version" in form.fields:
                concurrency.check_version(self.object, form.cleaned_data.get("version"))
            self.object = form.save()
            for formset in formsets.values():
                formset.instance = self.object
                formset.save()
        messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        return HttpResponseRedirect(self.get_success_url())


class ObjectDeleteView(ObjectPermissionMixin, generic.DeleteView):
    """Confirm, then delete; an object other rows still depend on is kept, with a message saying why."""

    action = "delete"
    template_name = "generic/object_confirm_delete.html"

    def form_valid(self, form):
        label = str(self.object)
        try:
            # Django deletes in a transaction without a savepoint; this one makes the deletion (its cascade and their
            # history) a unit of its own even inside another transaction.
            with transaction.atomic():
                self.object.delete()
        except ProtectedError as error:
            blockers = sorted({str(obj) for obj in error.protected_objects})
            messages.error(
                self.request,
                _("%(object)s cannot be deleted while other records use it: %(records)s")
                % {"object": label, "records": shortened_list(blockers)},
            )
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, _("Deleted %(object)s.") % {"object": label})
        return HttpResponseRedirect(self.get_success_url())


class ObjectArchiveView(ObjectPermissionMixin, generic.DetailView):
    """Confirm, then archive the object, or restore it when it is archived. Users never delete projects, units or
    proposals: an archived one leaves the lists, the figures and the choices, and keeps its rows and its history."""

    action = "delete"
    template_name = "generic/object_confirm_archive.html"

    def archive(self, obj):
        raise NotImplementedError

    def restore(self, obj):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        label = str(self.object)
        try:
            if self.object.is_archived:
                self.restore(self.object)
                messages.success(request, _("Restored %(object)s.") % {"object": label})
            else:
                self.archive(self.object)
                messages.success(
                    request,
                    _("Archived %(object)s: it no longer appears in lists and figures; its records and history stay.")
                    % {"object": label},
                )
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except WorkflowError as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(self.object.get_absolute_url())


@login_not_required
def favicon(request):
    """/favicon.ico, which browsers ask for on pages that name no icon (the admin's, the API's): the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


GENERIC_FONT_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif", "math"}
# A font family name as CSS may quote it: letters (any script), digits, spaces and _ - . + & only.
FONT_FAMILY_NAME = re.compile(r"^[\w .+&-]{1,80}$")


def font_stack(names) -> str:
    """Font family names as a CSS ``font-family`` value: each quoted (generic families bare), any name that is not
    a plain font name left out."""
    families = []
    for name in (str(name).strip() for name in names):
        if name in GENERIC_FONT_FAMILIES:
            families.append(name)
        elif FONT_FAMILY_NAME.match(name):
            families.append(f'"{name}"')
    return ", ".join(families)


def letter_fonts_css() -> str:
    """The reply letters' font families (settings.LETTER_FONTS) as CSS custom properties, for static/css/letter.css:
    served to browsers by ``letter_fonts`` and read by the server's PDF of a letter (``proposals.letter_pdf``)."""
    fonts = settings.LETTER_FONTS
    fallback = fonts["fallback"]
    return (
        "/* The reply letters' fonts: LETTER_FONT_BODY, LETTER_FONT_TITLE, LETTER_FONT_FALLBACK. */\n"
        ":root {\n"
        f"  --letter-font-body: {font_stack([*fonts['body'], *fallback])};\n"
        f"  --letter-font-title: {font_stack([*fonts['title'], *fallback])};\n"
        "}\n"
    )


@login_not_required
@require_safe
def letter_fonts(request):
    """/css/letter-fonts.css: the reply letters' fonts (``letter_fonts_css``); a stylesheet because the Content
    Security Policy allows no inline style."""
    response = HttpResponse(letter_fonts_css(), content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=3600)
    return response
