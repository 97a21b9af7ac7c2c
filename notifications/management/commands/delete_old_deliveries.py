"""``manage.py delete_old_deliveries``: keep the delivery log within ``NOTIFICATIONS_KEEP_DELIVERIES_DAYS``."""

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.services import delete_old_deliveries


class Command(BaseCommand):
    help = (
        "Delete the delivery log's rows sent or failed more than NOTIFICATIONS_KEEP_DELIVERIES_DAYS days ago (the "
        "notifications in people's centres stay). Run daily from Celery beat or cron."
    )

    def handle(self, *args, **options):
        deleted = delete_old_deliveries()
        days = settings.NOTIFICATIONS["KEEP_DELIVERIES_DAYS"]
        self.stdout.write(f"{deleted} deliveries settled more than {days} days ago deleted.")
