from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """CPPCC proposals and the government's replies (提案办理)."""

    name = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from .roles import register

        register()
