"""The data set of the permission table, built once for the package in a transaction rolled back at its end."""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from tests.permissions.world import build_world


def files_in(folder) -> dict:
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder), "base_url": "/no-public-url/"},
    }


@pytest.fixture(scope="package")
def world_media(tmp_path_factory):
    """The world's attachments (a report's photo, a project's document) live as long as the world."""
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, world_media):
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            STORAGES={**settings.STORAGES, "attachments": files_in(world_media)},
        ),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def world_files(plain_static_storage, settings, world_media):
    settings.STORAGES = {**settings.STORAGES, "attachments": files_in(world_media)}
