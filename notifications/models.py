"""What was sent to whom: the notification centre's rows, the channels' outbox (``Delivery``), the people's choice of
channels (``Preference``), and the reminder log so that nothing is sent twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryStatus, NotificationKind


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


class Preference(models.Model):
    """A person's choice for one kind and one channel; without a row the channel's default holds (``channels``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind)
    channel = models.CharField(_("channel"), max_length=30)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.channel} {self.enabled}"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting and due (its backoff over), oldest first."""
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by("pk")


class Delivery(models.Model):
    """The outbox: one message (a notification, or a text message to someone without an account) for one channel
    and address, written in the transaction that caused it and sent later by ``dispatch``, which logs each attempt
    here."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=30)
    # The e-mail address, the robot's name (its unit's) or the mobile number, as it was when the message was queued.
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind)
    # A text message's template parameters (those without a notification).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # A text message's matter (``commitment:4:progress``): queued once per channel and key.
    key = models.CharField(_("key"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    # The message an attempt sent this delivery in: a digest carries many deliveries, and a robot's rate limit
    # counts messages.
    message = models.CharField(_("message"), max_length=32, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["channel", "address", "last_attempt_at"], name="delivery_rate"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_channel",
            ),
            models.UniqueConstraint(fields=["channel", "key"], condition=~Q(key=""), name="delivery_once_per_key"),
        ]

    def __str__(self):
        return f"{self.channel} → {self.address}"
