"""The imports' scheduled work on Celery beat (config/settings.py, CELERY_BEAT_SCHEDULE), and the dashboard's figures
computed again after a write."""

from celery import shared_task
from django.core.management import call_command
from django.http import QueryDict
from django.utils import translation


@shared_task
def clean_imports() -> None:
    call_command("clean_imports")


@shared_task
def refresh_dashboard(user_id: int, query: str, language: str) -> None:
    """The dashboard's figures for this reader and filter bar at the current data versions, after a write made the
    cached ones old (``reports.versioning.cached``)."""
    from accounts.models import User

    from .dashboard import DashboardFigures

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        with translation.override(language):
            DashboardFigures(user, QueryDict(query)).refresh()
