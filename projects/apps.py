from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        from .roles import sync_role_groups

        # After every migrate, so that each database (tests included) has the role groups with their permissions.
        post_migrate.connect(sync_role_groups, dispatch_uid="projects.sync_role_groups")
