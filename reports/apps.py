from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Leaders' dashboards and the official Excel tables."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_version_reader
        from jobs.choices import JobKind
        from jobs.registry import register

        from .imports import run_import_job
        from .roles import REPORT_PERMISSIONS
        from .versioning import data_version, figure_regions, install_triggers

        register_role_permissions(self.label, REPORT_PERMISSIONS)
        register(JobKind.IMPORT, run_import_job)
        # The lists' counts and totals are cached under the version of what their reader reads.
        register_version_reader(lambda user: data_version(figure_regions(user)))

        # After every migrate (and every flush), so that each database, tests' included, moves the data version.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="reports.install_triggers")
