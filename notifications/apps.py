from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders (and later other channels): apps register what to remind whom of; this app sends it once."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import checks  # noqa: F401 (registers the settings' checks)
