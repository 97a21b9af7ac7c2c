from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs a user starts (large exports and imports): their state, progress and file, run on the task
    queue."""

    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from .choices import JobKind
        from .registry import register
        from .services import replay_export

        register(JobKind.EXPORT, replay_export)
