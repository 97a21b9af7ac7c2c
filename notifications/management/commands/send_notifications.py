"""``manage.py send_notifications``: send what the channels have queued (e-mail, robots, text messages)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from notifications.dispatch import dispatch


class Command(BaseCommand):
    help = (
        "Send the queued notifications by e-mail, the units' group robots and text message: one digest per robot, "
        "within its rate limit, failures retried later with a growing delay. Run every minute from cron; two runs "
        "at once never send a message twice."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            counts = dispatch()
        self.stdout.write(
            f"{counts['sent']} sent, {counts['retried']} to retry, {counts['failed']} failed for good, "
            f"{counts['deferred']} deferred by a rate limit."
        )
