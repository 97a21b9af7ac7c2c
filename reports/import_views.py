"""Pages of the bulk import (导入): what the user may import; per resource the empty template, the upload, the
preview of what would be created, updated and left alone (or every error, by row and column), and the confirm.

The uploaded file stays on the server between preview and confirm (``uploads.keep``, in the user's private folder,
keyed by a token kept in the session); the confirm imports those same bytes again, for real, and the file is
removed. Who may import what is ``ImportResource.may_import`` (``User.can`` on the model), checked on every request;
a row of another unit is an error of that row in the preview.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from common.db import lift_statement_timeout
from common.forms import BootstrapMixin
from common.spreadsheets import files, uploads
from common.xlsx import xlsx_response
from jobs.services import import_is_large, import_start

from . import imports

PREVIEW_ROWS = 300
PREVIEW_ERRORS = 500


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )


class ImportIndexView(TemplateView):
    """导入: the tables this user may import."""

    template_name = "reports/imports/index.html"

    def dispatch(self, request, *args, **kwargs):
        self.resources = imports.importable_resources(request.user)
        if not self.resources:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            resources=[
                {"key": resource.key, "label": resource.label, "headers": resource.import_headers()}
                for resource in self.resources
            ],
            **kwargs,
        )


class ResourceMixin:
    """The resource named in the address (404 when there is none), which the user must be allowed to import."""

    def dispatch(self, request, *args, **kwargs):
        self.key = kwargs["resource"]
        self.resource_class = imports.get_resource_class(self.key)
        if self.resource_class is None:
            raise Http404
        if not self.resource_class.may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportTemplateView(ResourceMixin, View):
    """The empty template: headers, a sample row and a sheet 填写说明 describing every column."""

    def get(self, request, *args, **kwargs):
        filename = _("%(table)s import template.xlsx") % {"table": self.resource_class.label}
        return xlsx_response(imports.template_workbook(self.key), filename)


class ImportView(ResourceMixin, TemplateView):
    """Upload → preview (a dry run) → confirm (the same file, for real, all or nothing)."""

    template_name = "reports/imports/import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", UploadForm())
        outcome = kwargs.get("outcome")
        if outcome is not None:
            changed = outcome.changed_rows
            kwargs.update(
                preview_rows=changed[:PREVIEW_ROWS],
                hidden_rows=max(0, len(changed) - PREVIEW_ROWS),
                preview_errors=outcome.errors[:PREVIEW_ERRORS],
                hidden_errors=max(0, len(outcome.errors) - PREVIEW_ERRORS),
            )
        return super().get_context_data(
            resource_key=self.key,
            resource_label=self.resource_class.label,
            columns=self.resource_class.column_fields(),
            max_megabytes=files.max_bytes() / 1024 / 1024,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        # Thousands of rows checked in one request (the preview), or written (up to IMPORT_JOB_THRESHOLD_ROWS).
        lift_statement_timeout()
        if "token" in request.POST:
            return self.confirm(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        uploaded = form.cleaned_data["file"]
        try:
            data = files.read_upload(uploaded)
            outcome = imports.run_import(key=self.key, user=request.user, data=data, dry_run=True)
        except files.ImportFileError as error:
            form.add_error("file", error.message)
            return self.render_to_response(self.get_context_data(form=form))
        token = None
        if not outcome.errors and (outcome.created or outcome.updated):
            token = uploads.keep(request.session, request.user, key=self.key, data=data, filename=uploaded.name)
        return self.render_to_response(self.get_context_data(outcome=outcome, token=token, filename=uploaded.name))

    def confirm(self, request):
        token = request.POST.get("token", "")
        here = reverse("import", args=[self.key])
        if "cancel" in request.POST:
            uploads.discard(request.session, request.user, token)
            messages.info(request, _("The import was cancelled; nothing was changed."))
            return HttpResponseRedirect(here)
        pending = uploads.pending(request.session, request.user, token, self.key)
        if pending is None:
            messages.error(request, _("The uploaded file is no longer available. Upload it again."))
            return HttpResponseRedirect(here)
        data, filename = pending
        try:
            rows = imports.file_rows(data)
            if import_is_large(rows):
                # A large file is written by a worker: the page that answers is the job's, with its outcome to come.
                job = import_start(
                    request=request,
                    resource=self.key,
                    title=f"{self.resource_class.label}：{filename}",
                    data=data,
                    filename=filename,
                    rows=rows,
                )
                return HttpResponseRedirect(job.get_absolute_url())
            outcome = imports.run_import(key=self.key, user=request.user, data=data, dry_run=False)
        except files.ImportFileError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(here)
        finally:
            uploads.discard(request.session, request.user, token)
        if outcome.errors:
            messages.error(
                request, _("Nothing was imported: the data changed since the preview and the file now has errors.")
            )
            return self.render_to_response(self.get_context_data(outcome=outcome, filename=filename))
        messages.success(
            request,
            _("Imported %(file)s: %(created)d created, %(updated)d updated, %(skipped)d unchanged.")
            % {"file": filename, "created": outcome.created, "updated": outcome.updated, "skipped": outcome.skipped},
        )
        for flag in outcome.flags:
            messages.warning(request, flag)
        return HttpResponseRedirect(here)
