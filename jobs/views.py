"""我的导出: the user's own jobs, one job's page with its progress, its status as JSON for the page's poller, and the
file. Another user's job answers 404, as if it did not exist."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView

from common.db import lift_statement_timeout
from common.downloads import send_file
from common.xlsx import XLSX_TYPE

from . import selectors, services
from .choices import JobStatus
from .models import Job

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8"}


class ExportJobMixin:
    """For a list view (``common.views.ObjectListView``): an export of more rows than EXPORT_JOB_THRESHOLD_ROWS is a
    background job, and the request answers with the job's page; a smaller one is built in the request as before."""

    def export(self, kind: str):
        # An export is exempt from the web's statement timeout from its first query: counting its rows included.
        lift_statement_timeout()
        rows = self.export_row_count()
        if services.export_is_large(rows):
            return start_export_job(self.request, self.export_heading(), rows)
        return super().export(kind)


def start_export_job(request, title: str, rows: int) -> HttpResponseRedirect:
    job = services.export_start(request=request, title=title, rows=rows)
    return HttpResponseRedirect(job.get_absolute_url())


class OwnJobMixin:
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return selectors.jobs_of(user=self.request.user)


class JobListView(OwnJobMixin, ListView):
    template_name = "jobs/job_list.html"
    context_object_name = "jobs"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(keep_days=settings.EXPORT_KEEP_DAYS, **kwargs)


class JobDetailView(OwnJobMixin, DetailView):
    template_name = "jobs/job_detail.html"
    context_object_name = "job"


def job_state(job: Job) -> dict:
    """What the pages' poller (static/js/jobs.js) shows of a job."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(JobStatus(job.status).label),
        "status_color": job.status_color,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "finished": job.finished,
        "download_url": reverse("job-download", args=[job.pk]) if job.status == JobStatus.DONE and job.file else "",
        "error": job.error,
    }


class JobStatusView(OwnJobMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        response = JsonResponse(job_state(job))
        response["Cache-Control"] = "no-store"
        return response


class JobDownloadView(OwnJobMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=JobStatus.DONE)
        if not job.file:
            raise Http404
        kind = job.filename.rpartition(".")[2]
        return send_file(
            job.file,
            as_attachment=True,
            filename=job.filename,
            content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        )
