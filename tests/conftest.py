import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import Role
from reports.versioning import TRIGGER_PREFIX, watched_tables

from .factories import OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def plain_static_storage(settings, tmp_path):
    # Tests render templates without running collectstatic first; uploads and attachments go to the test's own folder.
    uploads = {**settings.STORAGES["import_export"]}
    uploads["OPTIONS"] = {**uploads["OPTIONS"], "location": str(tmp_path / "imports")}
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "import_export": uploads,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/no-public-url/"},
        },
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media" / "exports"), "base_url": "/no-public-url/"},
        },
    }


@pytest.fixture
def photo_rule_off(settings):
    """For tests about something other than site photos: the factories' projects are key projects under construction,
    whose reports would otherwise need a photo to be filed or approved (``ATTACHMENTS["REQUIRE_REPORT_PHOTO"]``)."""
    settings.ATTACHMENTS = {**settings.ATTACHMENTS, "REQUIRE_REPORT_PHOTO": False}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test user gets a password; the production hasher would spend most of the suite's time on it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def unit(db):
    return OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局")


@pytest.fixture
def other_unit(db):
    return OrganizationFactory(name="镇海区水利局", short_name="区水利局")


@pytest.fixture
def office_user(db):
    return UserFactory(username="office-staff", organization=OrganizationFactory(name="市智慧办"), role=Role.OFFICE)


@pytest.fixture
def liaison(unit):
    return UserFactory(username="liaison-own", organization=unit, role=Role.LIAISON)


@pytest.fixture
def signer(unit):
    """The unit's signer (单位签发人): signs off the replies its liaison drafts."""
    return UserFactory(username="signer-own", organization=unit, role=Role.SIGNER, last_name="应", first_name="国平")


@pytest.fixture
def other_liaison(other_unit):
    return UserFactory(username="liaison-other", organization=other_unit, role=Role.LIAISON)


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", organization=OrganizationFactory(name="市领导小组"), role=Role.LEADER)


@pytest.fixture
def committee_user(db):
    return UserFactory(username="committee", organization=OrganizationFactory(name="区政协提案委"), role=Role.COMMITTEE)


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` authenticates it."""

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user)
            return self

    return Client()


@pytest.fixture(autouse=True)
def data_version_moves_at_each_write(request):
    """PostgreSQL moves the data version when a transaction commits, and a test's transaction never does; within
    such a test the triggers fire at each statement instead, so that a page read after a write sees it."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = "db" in request.fixturenames or (marker is not None and not marker.kwargs.get("transaction"))
    if connection.vendor != "postgresql" or not uses_db or "transactional_db" in request.fixturenames:
        return
    request.getfixturevalue("db")
    names = ", ".join(connection.ops.quote_name(f"{TRIGGER_PREFIX}{table}") for table in watched_tables())
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test's database starts from the same data version; figures cached by an earlier test must not be found.
    cache.clear()


@pytest.fixture
def set_today(monkeypatch):
    """``set_today(date)``: the application's clock (``timezone.now`` and ``localdate``) reads that day, at 10:00
    local time, for the rest of the test; ``set_today(None)`` gives it the real clock back."""

    original_now, original_localdate = timezone.now, timezone.localdate

    def set_day(day: datetime.date | None):
        if day is None:
            monkeypatch.setattr(timezone, "now", original_now)
            monkeypatch.setattr(timezone, "localdate", original_localdate)
            return
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

        def localdate(value=None, *args, **kwargs):
            return original_localdate(value or moment, *args, **kwargs)

        monkeypatch.setattr(timezone, "now", lambda: moment)
        monkeypatch.setattr(timezone, "localdate", localdate)

    return set_day


@pytest.fixture
def shipped_calendar(db):
    """The working-day calendars the migration ships (public holidays, 调休): a transactional test elsewhere in the
    run may have flushed them."""
    importlib.import_module("workdays.migrations.0002_calendar_2026_2027").add_calendars(django_apps, None)
