from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class ActiveManager(models.Manager):
    """``Model.objects``: the rows nobody has archived. Lists, figures, choices and reminders read through it.

    Archivable models name ``all_objects`` their default manager (``Meta.default_manager_name``), so that what Django
    itself reads — detail pages, related objects, uniqueness checks, ``dumpdata``, the admin — still sees every row.
    """

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


class ArchivableModel(models.Model):
    """Abstract base: a row users archive instead of deleting; it leaves lists and figures but keeps its history.

    Only a superuser purges an archived row (in the admin).
    """

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, actor):
        self.archived_at = timezone.now()
        self._history_user = actor
        self.save(update_fields=["archived_at", "last_updated"])

    def restore(self, actor):
        self.archived_at = None
        self._history_user = actor
        self.save(update_fields=["archived_at", "last_updated"])


class VersionedModel(models.Model):
    """Abstract base: a number that goes up with every save, so an edit made on a stale copy can be refused.

    Forms carry the version they were opened with and the API takes it as ``version`` or ``If-Match``
    (``common.concurrency``); a client that sends none is not checked.
    """

    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Goes up by one with every change.")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
