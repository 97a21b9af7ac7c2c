"""The projects' scheduled work on Celery beat (config/settings.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def refresh_project_figures() -> None:
    call_command("refresh_project_figures")
