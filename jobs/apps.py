from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs a user starts (large exports): their state, progress and file, run on the task queue."""

    name = "jobs"
    verbose_name = _("Background jobs")
