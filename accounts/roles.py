"""The role registry: each app states, in its ``AppConfig.ready()``, which model permissions each role holds on its
own models (``register_role_permissions``); after every migrate the role groups receive them (``sync_role_groups``).

A role is a Django group named after a ``Role`` value. Writes are further limited per object for everyone who is
not office staff (``User.can``): a liaison changes only what belongs to their own unit.
"""

from collections.abc import Mapping

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .choices import Role

ALL_ACTIONS = ("view", "add", "change", "delete")

_grants: dict[str, dict[str, tuple[str, ...]]] = {}


def register_role_permissions(app_label: str, grants: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
    """Grant roles actions on ``app_label``'s models: ``{role: {"app.model": ("view", …)}}``. An app grants only on
    its own models, so that no app widens another's rules behind its back; registering twice replaces."""
    for role, models in grants.items():
        if role not in Role.values:
            raise ValueError(f"Unknown role {role!r}")
        for model_label, actions in models.items():
            if model_label.split(".")[0] != app_label:
                raise ValueError(f"{app_label} may not grant permissions on {model_label}")
            _grants.setdefault(role, {})[model_label] = tuple(actions)


def role_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    """What every role holds, as registered so far (a copy)."""
    return {role: dict(models) for role, models in _grants.items()}


def sync_role_groups(app_config=None, using="default", **kwargs):
    """Create the role groups and give each the permissions registered (adds what is missing, removes nothing).

    ``post_migrate`` is sent once per app (after each migrate, and each test database flush): the groups are synced
    once, after the last app's, when every app's permissions exist; the permissions are read in one query."""
    senders = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not senders[-1]:
        return
    permissions = {
        (app_label, codename): pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, grants in _grants.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for model_label, actions in grants.items():
            app_label, model_name = model_label.split(".")
            for action in actions:
                pk = permissions.get((app_label, f"{action}_{model_name}"))
                if pk is not None:
                    wanted.append(pk)
        group.permissions.add(*wanted)
