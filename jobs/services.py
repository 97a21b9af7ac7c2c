"""Starting, running and clearing away background jobs: the one place that moves a job's status.

An export job replays the user's own request in the worker: ``path`` and ``query`` resolve to the same view, whose
``write_export`` writes the same file the request would have sent (``common.views.ObjectListView``,
``reports.views.TableExportView``), under the same user's permissions and regions. An import job runs the runner
its app registered (``registry``) on the uploaded file it keeps until then.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Greatest
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.db import lift_statement_timeout
from notifications.choices import NotificationKind
from notifications.services import notify

from . import registry
from .choices import JobKind, JobStatus
from .models import MAX_QUERY, Job

logger = logging.getLogger(__name__)


def export_is_large(rows: int) -> bool:
    """Whether an export of ``rows`` rows is a background job rather than a file built in the request."""
    return rows > settings.EXPORT_JOB_THRESHOLD_ROWS


def import_is_large(rows: int) -> bool:
    """Whether the import of a file of ``rows`` rows is a background job rather than written in the request."""
    return rows > settings.IMPORT_JOB_THRESHOLD_ROWS


def export_start(*, request: HttpRequest, title: str, rows: int) -> Job:
    """Queue the export the request asks for (its address and query, replayed by a worker as the same user)."""
    return _queued(
        owner=request.user,
        kind=JobKind.EXPORT,
        title=title[:200],
        path=request.path_info,
        query=request.META.get("QUERY_STRING", "")[:MAX_QUERY],
        rows_total=rows,
    )


def import_start(*, request: HttpRequest, resource: str, title: str, data: bytes, filename: str, rows: int) -> Job:
    """Queue the import of ``data`` (an upload already previewed) with the import ``resource``, as the user."""
    return _queued(
        owner=request.user,
        kind=JobKind.IMPORT,
        title=title[:200],
        path=request.path_info,
        query=QueryDict.fromkeys(["resource"], resource).urlencode(),
        rows_total=rows,
        source=(filename, data),
    )


def _queued(*, source: tuple[str, bytes] | None = None, **fields) -> Job:
    """The job's row (and its uploaded file), and its task sent once the row is committed, so that the worker always
    finds it."""
    from .tasks import run_job  # the tasks call this module's functions

    job = Job(language=translation.get_language() or settings.LANGUAGE_CODE, **fields)
    if source is not None:
        job.source.save(source[0], ContentFile(source[1]), save=False)
    job.save()
    transaction.on_commit(lambda: run_job.delay(job.pk))
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


def replay_export(job: Job, out, progress) -> str:
    """The export job's runner: the view the request resolves to writes the file (``write_export``)."""
    match = resolve(job.path)
    view = match.func.view_class(**match.func.view_initkwargs)
    view.setup(replayed_request(job), *match.args, **match.kwargs)
    return view.write_export(out, progress=progress)


def job_run(*, job_id: int) -> Job | None:
    """Run a job: its kind's runner does the work as its owner (reporting its rows as it goes) and writes its file,
    which is stored for EXPORT_KEEP_DAYS; the owner is notified when it has finished or failed. A finished job (its
    task delivered again) is left alone; a running one is started over, since the broker delivers a task again only
    when the worker that had it died before acknowledging it (``CELERY_TASK_ACKS_LATE``)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "last_updated"])
    # Run in the request when no broker is configured: long work is exempt from the web's statement timeout.
    lift_statement_timeout()
    try:
        with translation.override(job.language), tempfile.TemporaryFile() as spool:
            filename = registry.runner(job.kind)(job, spool, lambda done: _progress(job, done))
            if filename:
                spool.seek(0)
                job.file.save(filename, File(spool), save=False)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, error=getattr(error, "message", None) or str(error) or type(error).__name__)
        return job
    # The rows done, which the runner reported last: the count when the job was asked for may have moved since.
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
    if job.source:
        job.source.delete(save=False)  # an import's upload is kept only until it has run
    with transaction.atomic():
        job.save()
        with translation.override(job.language):
            title, text = _told(job)
            notify([job.owner], kind=NotificationKind.EXPORT, title=title, text=text, url=job.get_absolute_url())


def _told(job: Job) -> tuple[str, str]:
    """The notification's title and text for a finished job."""
    names = {"title": job.title}
    if job.status == JobStatus.FAILED:
        title = _("Your export failed: %(title)s") if job.kind == JobKind.EXPORT else _("Your import failed: %(title)s")
        return title % names, job.error
    kept = timezone.localtime(job.expires_at).strftime("%Y-%m-%d")
    if job.kind == JobKind.EXPORT:
        text = _("%(rows)s rows; the file is kept until %(date)s.") % {"rows": job.rows_total, "date": kept}
        return _("Your export is ready: %(title)s") % names, text
    counts = job.outcome
    if counts.get("error_count"):
        text = ngettext(
            "Nothing was imported: %(errors)d error, listed in the report (kept until %(date)s).",
            "Nothing was imported: %(errors)d errors, listed in the report (kept until %(date)s).",
            counts["error_count"],
        ) % {"errors": counts["error_count"], "date": kept}
        return _("Your import found errors: %(title)s") % names, text
    text = _("%(created)d created, %(updated)d updated, %(skipped)d unchanged.") % counts
    return _("Your import is done: %(title)s") % names, text


def delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the jobs kept past their day, with their files (the file first: a row never names a missing file).
    Returns how many."""
    expired = Job.objects.filter(expires_at__lt=now or timezone.now())
    count = 0
    for job in expired.iterator():
        for stored in (job.file, job.source):
            if stored:
                stored.delete(save=False)
        job.delete()
        count += 1
    return count
