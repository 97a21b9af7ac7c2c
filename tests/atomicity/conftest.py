"""The atomicity tests' fixtures: the forced failures (removed after each test), a browser and an API client that
answer 500 as users see it."""

import contextlib

import pytest
from django.db import DatabaseError
from django.test import Client
from rest_framework.test import APIClient

from tests.atomicity.support import ForcedFailures


@pytest.fixture
def fail(db):
    failures = ForcedFailures()
    yield failures
    # A test that failed may have left its transaction broken; rolling it back removes the triggers too.
    with contextlib.suppress(DatabaseError):
        failures.remove()


@pytest.fixture
def web():
    """A browser whose server errors come back as 500 pages, as users see them."""
    return Client(raise_request_exception=False)


@pytest.fixture
def rest():
    """An API client whose server errors come back as 500 answers."""
    return APIClient(raise_request_exception=False)
