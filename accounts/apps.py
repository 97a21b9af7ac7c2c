from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Units and people: organisations, users, roles and what each role may do."""

    name = "accounts"
    verbose_name = _("Units and people")

    def ready(self):
        from common.data_version import register_figure_source

        from .choices import Role
        from .roles import ALL_ACTIONS, register_role_permissions, sync_role_groups

        # Office staff keep the list of units; everyone else reads it and the regions.
        register_role_permissions(
            self.label,
            {
                role: {
                    "accounts.organization": ALL_ACTIONS if role == Role.OFFICE else ("view",),
                    # The divisions are the deployment's frame, kept by its superuser.
                    "accounts.region": ("view",),
                }
                for role in Role
            },
        )
        # Units name the figures' rows (a renamed unit renames a dashboard's bar); a user's login changes no figure.
        register_figure_source(self.label, except_models=["accounts.User"])
        # After every migrate, so that each database (tests included) has the role groups with their permissions.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
