"""Starting, running and clearing away background jobs: the one place that moves a job's status.

An export job replays the user's own request in the worker: ``path`` and ``query`` resolve to the same view, whose
``write_export`` writes the same file the request would have sent (``common.views.ObjectListView``,
``reports.views.TableExportView``), under the same user's permissions and regions.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.choices import NotificationKind
from notifications.services import notify

from .choices import JobKind, JobStatus
from .models import MAX_QUERY, Job

logger = logging.getLogger(__name__)


def export_is_large(rows: int) -> bool:
    """Whether an export of ``rows`` rows is a background job rather than a file built in the request."""
    return rows > settings.EXPORT_JOB_THRESHOLD_ROWS


def export_start(*, request: HttpRequest, title: str, rows: int) -> Job:
    """Queue the export the request asks for (its address and query, replayed by a worker as the same user) and
    return its job. The task is sent once the job's row is committed, so the worker always finds it."""
    from .tasks import run_export  # the tasks call this module's functions

    job = Job.objects.create(
        owner=request.user,
        kind=JobKind.EXPORT,
        title=title[:200],
        path=request.path_info,
        query=request.META.get("QUERY_STRING", "")[:MAX_QUERY],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=rows,
    )
    transaction.on_commit(lambda: run_export.delay(job.pk))
    return job


def replayed_request(job: Job) -> HttpRequest:
    """The GET request that asked for the job, as the view sees it: its address, query and user."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = QueryDict(job.query)
    request.META["QUERY_STRING"] = job.query
    request.user = job.owner
    return request


def export_run(*, job_id: int) -> Job | None:
    """Run an export job: the view its request resolves to writes the file (reporting its rows as it goes), which is
    stored for EXPORT_KEEP_DAYS; the owner is notified when it is ready or has failed. A finished job (its task
    delivered again) is left alone; a running one is started over, since the broker delivers a task again only when
    the worker that had it died before acknowledging it (``CELERY_TASK_ACKS_LATE``)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "last_updated"])
    try:
        with translation.override(job.language), tempfile.TemporaryFile() as spool:
            match = resolve(job.path)
            view = match.func.view_class(**match.func.view_initkwargs)
            view.setup(replayed_request(job), *match.args, **match.kwargs)
            filename = view.write_export(spool, progress=lambda done: _progress(job, done))
            spool.seek(0)
            job.file.save(filename, File(spool), save=False)
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, error=str(error) or error.__class__.__name__)
        return job
    # The rows written, which the view reported last: the count when the job was asked for may have moved since.
    job.filename, job.rows_total = filename[:200], job.rows_done
    _finish(job, JobStatus.DONE)
    return job


def _progress(job: Job, done: int) -> None:
    # The total was counted when the job was asked for: rows added since then raise it rather than overflow it.
    Job.objects.filter(pk=job.pk).update(
        rows_done=done, rows_total=Greatest("rows_total", Value(done)), last_updated=timezone.now()
    )
    job.rows_done, job.rows_total = done, max(done, job.rows_total)


def _finish(job: Job, status: str, error: str = "") -> None:
    now = timezone.now()
    job.status, job.error, job.finished_at = status, error[:2000], now
    job.expires_at = now + datetime.timedelta(days=settings.EXPORT_KEEP_DAYS)
    with transaction.atomic():
        job.save()
        with translation.override(job.language):
            if status == JobStatus.DONE:
                title = _("Your export is ready: %(title)s") % {"title": job.title}
                text = _("%(rows)s rows; the file is kept until %(date)s.") % {
                    "rows": job.rows_total,
                    "date": timezone.localtime(job.expires_at).strftime("%Y-%m-%d"),
                }
            else:
                title = _("Your export failed: %(title)s") % {"title": job.title}
                text = job.error
            notify([job.owner], kind=NotificationKind.EXPORT, title=title, text=text, url=job.get_absolute_url())


def delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs kept past their day, with their files (the file first: a row never names a missing file).
    Returns how many."""
    expired = Job.objects.filter(expires_at__lt=now or timezone.now())
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
