"""The role registry: each app states, in its ``AppConfig.ready()``, which model permissions each role holds on its
own models (``register_role_permissions``); after every migrate the role groups receive them (``sync_role_groups``).

A role is a Django group named after a ``Role`` value. Writes are further limited per object for everyone who is
not office staff (``User.can``): a liaison changes only what belongs to their own unit.
"""

from collections.abc import Mapping

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


def sync_role_groups(**kwargs):
    """Create the role groups and give each the permissions registered (adds what is missing, removes nothing)."""
    for role, grants in _grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for model_label, actions in grants.items():
            app_label, model_name = model_label.split(".")
            codenames = [f"{action}_{model_name}" for action in actions]
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames).values_list(
                    "pk", flat=True
                )
            )
        group.permissions.add(*wanted)
