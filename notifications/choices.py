"""What a notification is about: users choose per kind which channels reach them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminders")
    CHASE = "chase", _("Report chasing (催报)")
    REPORT_RETURNED = "report_returned", _("Returned reports")
    ASSIGNMENT = "assignment", _("Proposal assignments")
    NOTICE = "notice", _("Supervision notices")
    ESCALATION = "escalation", _("Escalations")
    INSTRUCTION = "instruction", _("Leaders' instructions")
    COMMITMENT = "commitment", _("Promises in replies")
    EXPORT = "export", _("Exports and imports")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
