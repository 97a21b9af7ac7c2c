import pytest


@pytest.fixture(autouse=True)
def calendars(shipped_calendar):
    """Every test here reads the shipped calendars (``shipped_calendar``)."""
