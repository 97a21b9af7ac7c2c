"""The data set of the permission table, built once for the package in a transaction rolled back at its end."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.permissions.world import build_world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)
