import importlib

import pytest
from django.apps import apps

shipped = importlib.import_module("workdays.migrations.0002_calendar_2026_2027")


@pytest.fixture(autouse=True)
def shipped_calendar(db):
    """The calendars the migration ships: a transactional test elsewhere in the run may have flushed them."""
    shipped.add_calendars(apps, None)
