"""What was sent to whom: the notification centre's rows, and the reminder log so that nothing is sent twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import NotificationKind


class SentReminder(models.Model):
    """One item of a reminder digest as sent to one person, so that a second run does not send it again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("item"), max_length=100)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        ordering = ["-sent_on", "recipient", "key"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key", "sent_on"], name="sent_reminder_unique_per_day"),
        ]

    def __str__(self):
        return f"{self.sent_on} {self.recipient} {self.key}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person in the notification centre (the bell), from which the channels deliver it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The matter and step this message reports (``notice:12:escalated``): one message per person and key, however
    # often the step's code runs (a retried request, a second reminder run).
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once_per_key"
            ),
        ]

    def __str__(self):
        return self.title
