from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from common.models import TimestampedModel

from .choices import JobKind, JobStatus

# The request a job replays (a list's filters, a table's choices): a URL's query, bounded like one.
MAX_QUERY = 2000


class ExportStorage(LazyObject):
    """``STORAGES["exports"]``, shared by the web servers and the workers, looked up when first used rather than when
    the model loads (a callable storage is called once, at import), and again after the setting changes: tests keep
    their files in their own folder (as ``attachments.models.AttachmentStorage``)."""

    def _setup(self):
        self._wrapped = storages["exports"]


export_files = ExportStorage()


@receiver(setting_changed)
def storages_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_ROOT"):
        export_files._wrapped = empty


def export_storage():
    return export_files


class Job(TimestampedModel):
    """Work a user asked for that runs on the task queue, with its progress, its file or its error: the export of a
    list or an official table, replayed as the user's own request (``path`` and ``query``) by a worker; or the import
    of an uploaded file (``source``, kept until the job has run), whose counts and errors are its ``outcome`` and
    whose file is the report of its errors."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs", verbose_name=_("asked by"))
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind, default=JobKind.EXPORT)
    title = models.CharField(_("title"), max_length=200)
    path = models.CharField(_("address"), max_length=300)
    query = models.CharField(_("query"), max_length=MAX_QUERY, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    file = models.FileField(_("file"), storage=export_storage, upload_to="%Y/%m/", max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    source = models.FileField(
        _("uploaded file"), storage=export_storage, upload_to="sources/%Y/%m/", max_length=300, blank=True
    )
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    error = models.TextField(_("error"), max_length=2000, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created"], name="job_owner_created"),
            models.Index(fields=["expires_at"], name="job_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")),
                name="job_rows_done_within_total",
                violation_error_message=_("A job cannot have done more rows than it has."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("job", args=[self.pk])

    @property
    def percent(self) -> float:
        if self.status == JobStatus.DONE:
            return 100.0
        return round(100 * self.rows_done / self.rows_total, 1) if self.rows_total else 0.0

    @property
    def status_color(self) -> str:
        return JobStatus(self.status).color

    @property
    def finished(self) -> bool:
        return self.status in JobStatus.finished()
