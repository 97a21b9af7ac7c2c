"""The notifications' scheduled work on Celery beat (config/settings.py, CELERY_BEAT_SCHEDULE): the management commands
cron used to start, run as they are."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def send_reminders() -> None:
    call_command("send_reminders")


@shared_task
def send_notifications() -> None:
    call_command("send_notifications")


@shared_task
def delete_old_deliveries() -> None:
    call_command("delete_old_deliveries")
