"""A file kept with one object of the portfolio or the proposals (a report's site photo, a project's contract, a
reply's letter as issued). Which objects take files, of which kinds, and who adds them is ``registry``'s."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Region
from common import bounds
from common.bounds import date_validators

from .choices import AttachmentKind


class AttachmentStorage(LazyObject):
    """``STORAGES["attachments"]`` as it is configured when a file is first stored or read. A field evaluates its
    storage once, when the model class is made: without this, a changed ``STORAGES`` (each test's own folder) would
    never reach the files."""

    def _setup(self):
        self._wrapped = storages["attachments"]


configured_storage = AttachmentStorage()


@receiver(setting_changed)
def storage_settings_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_ROOT"):
        configured_storage._wrapped = empty


def attachment_storage():
    """Local disk by default, an S3-compatible store when configured (``STORAGES["attachments"]``)."""
    return configured_storage


def stored_name(instance, filename: str) -> str:
    """Files are stored under a random name: the user's name is only a label, never a path."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def thumbnail_name(instance, filename: str) -> str:
    return f"thumbnails/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class AttachmentQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)

    def photos(self):
        return self.filter(kind=AttachmentKind.PHOTO)


class Attachment(models.Model):
    """One uploaded file. Its content was checked on the way in (``inspection``); an image also has a perceptual
    hash, the date it was taken (EXIF) and a re-encoded thumbnail without the original's metadata."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # The owning region of the object when the file came: photos are compared for reuse within it.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind, default=AttachmentKind.OTHER)
    file = models.FileField(
        pgettext_lazy("attachment", "file"), storage=attachment_storage, upload_to=stored_name, max_length=255
    )
    thumbnail = models.FileField(
        _("thumbnail"), storage=attachment_storage, upload_to=thumbnail_name, max_length=255, blank=True
    )
    name = models.CharField(_("file name"), max_length=150)
    media_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    number = models.CharField(
        _("document number"), max_length=60, blank=True, help_text=_("As printed on it, e.g. 甬发改审批〔2026〕12号.")
    )
    issued_on = models.DateField(_("document date"), null=True, blank=True, validators=date_validators)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    # A 64-bit difference hash (signed, as the database stores it): near-equal for the same picture re-saved or resized.
    image_hash = models.BigIntegerField(_("image hash"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True, help_text=_("From the photo's EXIF data."))
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("reused from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reused_by",
        help_text=_("An earlier photo of another object that this one matches."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = AttachmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["thumbnail", "image_hash", "width", "height"])

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["content_type", "object_id", "kind"], name="attachment_target_idx"),
            models.Index(
                fields=["region", "image_hash"], name="attachment_photo_hash_idx", condition=Q(image_hash__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="attachment_size_not_negative"),
            bounds.dates_in_range("issued_on", name="attachment_dates_in_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("attachment-download", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail)

    @property
    def thumbnail_url(self) -> str:
        return reverse("attachment-thumbnail", args=[self.pk]) if self.thumbnail else ""

    def taken_long_before(self, day: datetime.date | None) -> bool:
        """Taken more than ``PHOTO_STALE_DAYS`` before ``day`` (a report's first day). A photo without a date, as
        messengers send them, is unknown, not stale."""
        if self.taken_at is None or day is None:
            return False
        taken = timezone.localtime(self.taken_at).date()
        return taken < day - datetime.timedelta(days=settings.ATTACHMENTS["PHOTO_STALE_DAYS"])
