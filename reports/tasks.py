"""The imports' scheduled work on Celery beat (config/settings.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def clean_imports() -> None:
    call_command("clean_imports")
