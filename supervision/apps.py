from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督办: supervision notices with their escalation, leaders' instructions (领导批示), the promises made in
    replies (办理承诺) and the chasing of missing reports (催报). Above projects and proposals: it refers to both."""

    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from accounts.roles import register_role_permissions

        from . import receivers, todo  # noqa: F401  (receivers: a linked project's moves reach its promises)
        from .attachments import register_targets
        from .roles import SUPERVISION_PERMISSIONS

        register_role_permissions(self.label, SUPERVISION_PERMISSIONS)
        register_targets()
        todo.register()
