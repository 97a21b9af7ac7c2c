from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Portfolio")

    def ready(self):
        from accounts.roles import register_role_permissions
        from common.data_version import register_figure_source
        from notifications.reminders import register_collector

        from . import figures, reminders, todo
        from .attachments import register_targets
        from .roles import PORTFOLIO_PERMISSIONS

        register_role_permissions(self.label, PORTFOLIO_PERMISSIONS)
        register_collector(reminders.collect)
        register_figure_source(self.label)
        register_targets()
        todo.register()
        figures.connect_signals()
        post_save.connect(place_led_projects, sender="accounts.Organization", dispatch_uid="place_led_projects")


def place_led_projects(sender, instance, **kwargs):
    """A unit moved to another region takes the projects it leads along: a project's region is its lead unit's."""
    from .models import Project

    Project.all_objects.filter(lead_org=instance).exclude(region=instance.region).update(region=instance.region)
