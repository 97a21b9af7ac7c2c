"""What was sent to whom, so that nothing is sent twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
