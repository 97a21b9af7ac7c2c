from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "workdays"
    verbose_name = _("Working days")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_figure_source

        from .roles import WORKDAY_PERMISSIONS

        register_role_permissions(self.label, WORKDAY_PERMISSIONS)
        # The scorecard's reports on time count working days: an edited day must refresh the cached figures.
        register_figure_source(self.label)
