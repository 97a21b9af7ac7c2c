from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督办: supervision notices with their escalation, leaders' instructions (领导批示), the promises made in
    replies (办理承诺) and the chasing of missing reports (催报). Above projects and proposals: it refers to both."""

    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_figure_source
        from notifications.reminders import register_collector, register_daily_job

        from . import (
            receivers,  # noqa: F401  (a linked project's moves reach its promises)
            reminders,
            todo,
        )
        from .attachments import register_targets
        from .roles import SUPERVISION_PERMISSIONS
        from .services import escalate_overdue

        register_role_permissions(self.label, SUPERVISION_PERMISSIONS)
        register_targets()
        register_daily_job(escalate_overdue)
        # The scorecard and the statistics count notices, instructions and promises; timelines, chases and contacts
        # change no figure.
        register_figure_source(
            self.label,
            except_models=["supervision.Event", "supervision.Chase", "supervision.ProposerContact"],
        )
        register_collector(reminders.collect)
        todo.register()
