from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """CPPCC proposals and the government's replies (提案办理)."""

    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_figure_source
        from notifications.reminders import register_collector

        from . import reminders, todo
        from .attachments import register_targets
        from .roles import PROPOSAL_PERMISSIONS

        register_role_permissions(self.label, PROPOSAL_PERMISSIONS)
        register_collector(reminders.collect)
        # The event log and the public's hourly vote tallies change no figure.
        register_figure_source(self.label, except_models=["proposals.Event", "proposals.PublicVoteTally"])
        register_targets()
        todo.register()
