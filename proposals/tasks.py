"""The proposals' scheduled work on Celery beat (config/settings.py, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def make_letter_pdfs() -> None:
    call_command("make_letter_pdfs")
