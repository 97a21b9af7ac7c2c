"""Figures cached until the data under them changes.

The dashboard's figures at 10,000 projects take the database some hundreds of milliseconds (a pass over every
project's milestones and over 120,000 progress reports); they change only when someone writes. Every write to a
table of the apps registered as figure sources (``common.data_version``: units, the portfolio, proposals) moves
``DataVersion.version``, by trigger, so form saves, the API, imports, bulk updates and raw SQL all count, and the
writer's transaction moves it together with its data: a reader that sees the new version sees the new data.
Figures are cached under the version they were read after, so a cached figure is never older than the version in
its key; the cache may be per process (the default) or shared.
"""

import hashlib
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from common.data_version import figure_sources

from .models import DataVersion

VERSION_ROW = 1
TRIGGER_PREFIX = "data_version_"
# A setting local to the transaction: the statement that last moved the version (PostgreSQL).
BUMPED_SETTING = "data_version.bumped_at"


def watched_tables() -> list[str]:
    """The tables whose writes move the version: the registered apps' models and their many-to-many tables, without
    the models an app excepted and the history tables (they are written together with the rows they record)."""
    tables = []
    for label, excepted in figure_sources().items():
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            related = [model] if not model._meta.auto_created else [model, model._meta.auto_created]
            if any(m._meta.label in excepted for m in related) or model.__name__.startswith("Historical"):
                continue
            tables.append(model._meta.db_table)
    return sorted(tables)


def install_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create the version row and the missing triggers that move it (after every migrate and flush: a new table gets
    its triggers without a migration of its own). PostgreSQL moves it at commit (deferred constraint triggers), so
    the row is locked only while a transaction commits and writers do not queue behind each other's open work."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if DataVersion._meta.db_table not in existing or connection.vendor not in ("sqlite", "postgresql"):
        return
    quote = connection.ops.quote_name
    bump = f"UPDATE {quote(DataVersion._meta.db_table)} SET version = version + 1 WHERE id = {VERSION_ROW}"
    postgresql = connection.vendor == "postgresql"
    if not DataVersion.objects.using(using).filter(pk=VERSION_ROW).exists():
        DataVersion.objects.using(using).create(pk=VERSION_ROW)
    with connection.cursor() as cursor:
        if postgresql:
            # Once per statement: the deferred triggers of a whole transaction fire within its COMMIT, so a write of
            # thousands of rows moves the version once, rather than piling up thousands of versions of one row.
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}bump() RETURNS trigger AS $$ BEGIN "
                f"IF current_setting('{BUMPED_SETTING}', true) IS DISTINCT FROM statement_timestamp()::text THEN "
                f"{bump}; PERFORM set_config('{BUMPED_SETTING}', statement_timestamp()::text, true); "
                f"END IF; RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [f"{TRIGGER_PREFIX}%"])
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER_PREFIX}%"]
            )
        present = {row[0] for row in cursor.fetchall()}
        for table in watched_tables():
            if table not in existing:
                continue
            if postgresql:
                name = f"{TRIGGER_PREFIX}{table}"
                if name not in present:
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {quote(name)} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
                        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {TRIGGER_PREFIX}bump()"
                    )
                continue
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"{TRIGGER_PREFIX}{table}_{event.lower()}"
                if name not in present:
                    cursor.execute(f"CREATE TRIGGER {quote(name)} AFTER {event} ON {quote(table)} BEGIN {bump}; END")


def current_version() -> int | None:
    """The data version, or None on a database without the triggers (then nothing is cached)."""
    if connections[DEFAULT_DB_ALIAS].vendor not in ("sqlite", "postgresql"):
        return None
    return DataVersion.objects.filter(pk=VERSION_ROW).values_list("version", flat=True).first()


def cached(name: str, parts: tuple, compute: Callable[[], dict]) -> dict:
    """``compute()``, or what it gave for the same ``parts`` at the current data version."""
    version = current_version()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"{name}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FIGURES_CACHE_SECONDS)
    return value
