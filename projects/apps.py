from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_figure_source
        from notifications.reminders import register_collector

        from . import reminders
        from .roles import PORTFOLIO_PERMISSIONS

        register_role_permissions(self.label, PORTFOLIO_PERMISSIONS)
        register_collector(reminders.collect)
        register_figure_source(self.label)
