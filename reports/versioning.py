"""Figures cached until the data under them changes, region by region.

The dashboard's figures at 10,000 projects take the database some hundreds of milliseconds (a pass over every
project's milestones and over 120,000 progress reports); they change only when someone writes. Every write to a
table of the apps registered as figure sources (``common.data_version``: units, the portfolio, proposals) moves the
data versions, by trigger, so form saves, the API, imports, bulk updates and raw SQL all count, and the writer's
transaction moves them together with its data: a reader that sees the new version sees the new data.

Which versions a write moves depends on where the row belongs (its model's ``region_path``, as ``RegionScope`` reads
it; a link row of a many-to-many table belongs where the rows it links do):

- ``DataVersion.version`` moves with every write: figures over all the data (the superuser's) are keyed by it;
- a row of region R moves ``RegionVersion.version`` of R and of every region above R (their figures roll R up), and
  ``own_version`` of R alone (the regions below R read R's plans and the projects R builds in them); a district's
  write leaves its sibling districts, and every other city, alone;
- a row of no region moves ``DataVersion.shared_version``, which every key includes: reference data (domains,
  funding sources, regions), every row of a deployment without regions, and units, whose names other regions' rows
  show (a co-handling unit, a participating unit).

Figures are cached under the versions they were read after (``data_version``), so a cached figure is never older
than the versions in its key; the cache may be per process (the default) or shared.

At a province's size (100,000 projects, a million reports) computing them takes seconds. With a shared cache and a
task queue (``FIGURES_REFRESH_IN_BACKGROUND``), a reader after a write gets the figures last computed for the same
request, marked with the time they were computed and as being brought up to date, while a background job (one at a
time per request's figures) computes them at the new versions: no request computes them again after a write. Only
a request for figures never computed before (a new filter, an emptied cache) computes them itself.
"""

from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Region
from common.data_version import entry_key, figure_sources

from .models import DataVersion, RegionVersion

VERSION_ROW = 1
TRIGGER_PREFIX = "data_version_"
# Settings local to the transaction: the statement that last moved the version of all the data, and that of each
# region (``…bumped_<id>``) or of the rows of no region (``…bumped_shared``) (PostgreSQL).
BUMPED_SETTING = "data_version.bumped_at"
REGION_BUMPED_SETTING = "data_version.bumped_"
# The region tree is at most province → city → county → zone deep.
TREE_DEPTH = 4
# Units are named on the rows of other regions (co-handling a proposal, taking part in a project): their writes move
# the version every region's figures read.
SHOWN_ACROSS_REGIONS = frozenset({"accounts.Organization"})


def watched_models() -> list:
    """The models whose writes move the versions: the registered apps' models and their many-to-many tables, without
    the models an app excepted and the history tables (they are written together with the rows they record)."""
    watched = []
    for label, excepted in figure_sources().items():
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            related = [model] if not model._meta.auto_created else [model, model._meta.auto_created]
            if any(m._meta.label in excepted for m in related) or model.__name__.startswith("Historical"):
                continue
            watched.append(model)
    return sorted(watched, key=lambda model: model._meta.db_table)


def watched_tables() -> list[str]:
    return [model._meta.db_table for model in watched_models()]


def region_paths(model) -> list[str]:
    """Where a row of ``model`` belongs, as paths to a region (``"project__region"``): its ``region_path``; for a link
    row of a many-to-many table, those of the rows it links; none for the rows every region shows."""
    if model._meta.label in SHOWN_ACROSS_REGIONS:
        return []
    if model._meta.auto_created:
        return [
            f"{field.name}__{path}"
            for field in model._meta.fields
            if field.many_to_one
            for path in region_paths(field.related_model)
        ]
    path = getattr(model, "region_path", None)
    return [path] if path else []


def region_sql(model, path: str, row: str, quote: Callable[[str], str]) -> str:
    """The SQL for the region of the trigger's ``row`` (``NEW`` or ``OLD``) along ``path``: a column of the row, or
    a subquery per link (``(SELECT region_id FROM projects_project WHERE id = NEW.project_id)``)."""
    first, *rest = path.split("__")
    field = model._meta.get_field(first)
    expression = f"{row}.{quote(field.column)}"
    for name in rest:
        target = field.related_model
        link, field = field, target._meta.get_field(name)
        expression = (
            f"(SELECT {quote(field.column)} FROM {quote(target._meta.db_table)} "
            f"WHERE {quote(link.target_field.column)} = {expression})"
        )
    return expression


def regions_sql(model, row: str, quote: Callable[[str], str]) -> list[str]:
    """The SQL for each region the trigger's ``row`` belongs to; ``NULL`` for a row every region shows."""
    return [region_sql(model, path, row, quote) for path in region_paths(model)] or ["NULL"]


def region_bump_sql(region: str, quote: Callable[[str], str]) -> str:
    """The SQL that moves the version of ``region`` (an SQL expression) and of the regions above it, and its own rows'
    version; nothing when ``region`` is NULL or no longer exists."""
    regions, versions = quote(Region._meta.db_table), quote(RegionVersion._meta.db_table)
    chain = [region]
    for _ in range(TREE_DEPTH - 1):
        chain.append(f"(SELECT parent_id FROM {regions} WHERE id = {chain[-1]})")
    return (
        f"INSERT INTO {versions} (region_id, version, own_version) "
        f"SELECT id, 1, CASE WHEN id = {region} THEN 1 ELSE 0 END FROM {regions} WHERE id IN ({', '.join(chain)}) "
        f"ON CONFLICT (region_id) DO UPDATE SET version = {versions}.version + 1, "
        f"own_version = {versions}.own_version + excluded.own_version"
    )


def install_triggers(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create the version row and the missing triggers that move the versions (after every migrate and flush: a new
    table gets its triggers without a migration of its own), and bring the outdated ones up to date. PostgreSQL
    moves them at commit (deferred constraint triggers), so the rows are locked only while a transaction commits and
    writers do not queue behind each other's open work."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if RegionVersion._meta.db_table not in existing or connection.vendor not in ("sqlite", "postgresql"):
        return
    if not DataVersion.objects.using(using).filter(pk=VERSION_ROW).exists():
        DataVersion.objects.using(using).create(pk=VERSION_ROW)
    with connection.cursor() as cursor:
        install = install_postgresql_triggers if connection.vendor == "postgresql" else install_sqlite_triggers
        install(cursor, connection.ops.quote_name, [m for m in watched_models() if m._meta.db_table in existing])


def install_postgresql_triggers(cursor, quote, models) -> None:
    data_version = quote(DataVersion._meta.db_table)
    # Once per statement and region: the deferred triggers of a whole transaction fire within its COMMIT, so a write
    # of thousands of rows moves each version once, rather than piling up thousands of versions of one row.
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}bump_region(changed bigint) RETURNS void AS $$ "
        f"DECLARE stamp text := statement_timestamp()::text; "
        f"setting text := '{REGION_BUMPED_SETTING}' || coalesce(changed::text, 'shared'); BEGIN "
        f"IF current_setting('{BUMPED_SETTING}', true) IS DISTINCT FROM stamp THEN "
        f"UPDATE {data_version} SET version = version + 1 WHERE id = {VERSION_ROW}; "
        f"PERFORM set_config('{BUMPED_SETTING}', stamp, true); END IF; "
        f"IF current_setting(setting, true) IS DISTINCT FROM stamp THEN "
        f"IF changed IS NULL THEN "
        f"UPDATE {data_version} SET shared_version = shared_version + 1 WHERE id = {VERSION_ROW}; "
        f"ELSE {region_bump_sql('changed', quote)}; END IF; "
        f"PERFORM set_config(setting, stamp, true); END IF; END $$ LANGUAGE plpgsql"
    )
    cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [f"{TRIGGER_PREFIX}%"])
    present = {row[0] for row in cursor.fetchall()}
    for model in models:
        table = model._meta.db_table
        name = f"{TRIGGER_PREFIX}{table}"
        bumps = {
            row: " ".join(
                f"PERFORM {TRIGGER_PREFIX}bump_region({region});" for region in regions_sql(model, row, quote)
            )
            for row in ("OLD", "NEW")
        }
        # The function is replaced at every migrate, so that a model's new region path applies at once.
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {quote(name)}() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {bumps['OLD']} END IF; "
            f"IF TG_OP <> 'DELETE' THEN {bumps['NEW']} END IF; "
            f"RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        if name not in present:
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER {quote(name)} AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
                f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {quote(name)}()"
            )


def install_sqlite_triggers(cursor, quote, models) -> None:
    data_version = quote(DataVersion._meta.db_table)
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER_PREFIX}%"]
    )
    present = dict(cursor.fetchall())
    for model in models:
        table = model._meta.db_table
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            statements = [f"UPDATE {data_version} SET version = version + 1 WHERE id = {VERSION_ROW}"]
            for region in (region for row in rows for region in regions_sql(model, row, quote)):
                statements.append(
                    f"UPDATE {data_version} SET shared_version = shared_version + 1 "
                    f"WHERE id = {VERSION_ROW} AND {region} IS NULL"
                )
                if region != "NULL":
                    statements.append(region_bump_sql(region, quote))
            name = f"{TRIGGER_PREFIX}{table}_{event.lower()}"
            sql = f"CREATE TRIGGER {quote(name)} AFTER {event} ON {quote(table)} BEGIN {'; '.join(statements)}; END"
            if present.get(name) != sql:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
                cursor.execute(sql)


def current_version() -> int | None:
    """The version of all the data, or None on a database without the triggers (then nothing is cached)."""
    if connections[DEFAULT_DB_ALIAS].vendor not in ("sqlite", "postgresql"):
        return None
    return DataVersion.objects.filter(pk=VERSION_ROW).values_list("version", flat=True).first()


def data_version(regions: Iterable[Region | int] | None = None) -> str | None:
    """The version that figures over ``regions`` are cached under, in one query; None on a database without the
    triggers (then nothing is cached).

    ``None``: all the data (the superuser's figures), which every write moves. Regions (or their ids): each with the
    regions below it, the own rows of the regions above it (their plans, the projects they build in it) and the rows
    of no region; a write in a sibling region or another city leaves it as it was. No region (``[]``): the rows of no
    region only, as a user whose unit has no region reads them.
    """
    if regions is None:
        version = current_version()
        return None if version is None else f"all:{version}"
    if connections[DEFAULT_DB_ALIAS].vendor not in ("sqlite", "postgresql"):
        return None
    ids = sorted({getattr(region, "pk", region) for region in regions})
    if not ids:
        shared = DataVersion.objects.filter(pk=VERSION_ROW).values_list("shared_version", flat=True).first()
        return f"shared:{shared}"
    above = Q()
    for depth in range(1, TREE_DEPTH):
        above |= Q(**{f"{'__'.join(['children'] * depth)}__in": ids})
    shared = DataVersion.objects.filter(pk=VERSION_ROW).values("shared_version")
    rows = list(
        Region.objects.filter(Q(pk__in=ids) | above)
        .distinct()
        .annotate(shared=shared)
        .values_list("pk", "data_version__version", "data_version__own_version", "shared")
        .order_by("pk")
    )
    if not rows:
        return data_version([])
    parts = [f"shared:{rows[0][3]}"]
    for pk, version, own_version, _ in rows:
        # The regions asked for with everything below them; the regions above them for their own rows only.
        parts.append(f"{pk}:{version or 0}" if pk in ids else f"{pk}.own:{own_version or 0}")
    return ",".join(parts)


def figure_regions(user, chosen: Region | int | None = None) -> list[Region | int] | None:
    """The regions whose versions key the figures ``user`` reads (``RegionScope``), or, when a filter chose a region,
    those of ``chosen`` (whose version covers what the user reads within it): None for all the data (the superuser),
    ``[]`` for the rows of no region (a user whose unit has no region). The figures themselves differ from user to
    user, so the cache key's ``parts`` name the user's scope as well."""
    if chosen is not None:
        return [chosen]
    scope = user.region_scope
    if scope.unbounded:
        return None
    return [scope.own] if scope.own else []


def cache_key(name: str, parts: tuple, version: str | None = None) -> str:
    """The key of ``parts``' figures at ``version``; without a version, of the ones last computed at any."""
    return entry_key(name if version is not None else f"{name}:latest", version, parts)


def store(name: str, parts: tuple, version: str, value: dict) -> dict:
    """``value`` as the figures of ``parts`` at ``version``, and as the latest ones computed; with the time."""
    value = {**value, "figures_as_of": timezone.now()}
    cache.set(cache_key(name, parts, version), value, settings.FIGURES_CACHE_SECONDS)
    cache.set(cache_key(name, parts), value, settings.FIGURES_LATEST_SECONDS)
    return value


def cached(
    name: str,
    parts: tuple,
    compute: Callable[[], dict],
    *,
    regions: Iterable[Region | int] | None = None,
    refresh: Callable[[], None] | None = None,
) -> dict:
    """``compute()``, or what it gave for the same ``parts`` at the current version of ``regions`` (see
    ``data_version``: None for all the data); the time it was computed is ``figures_as_of``.

    With ``refresh`` (which queues ``refresh_cached`` for the same figures in a background job) and
    FIGURES_REFRESH_IN_BACKGROUND, figures computed at an older version are served as they are, marked
    ``figures_stale``, and ``refresh`` runs once the request's transaction ends: one job at a time per ``parts``, and
    none sooner than FIGURES_REFRESH_INTERVAL_SECONDS after the last."""
    version = data_version(regions)
    if version is None:
        return compute()
    value = cache.get(cache_key(name, parts, version))
    if value is not None:
        return value
    if refresh is not None and settings.FIGURES_REFRESH_IN_BACKGROUND:
        latest = cache.get(cache_key(name, parts))
        if latest is not None:
            if cache.add(cache_key(f"{name}:refreshing", parts), True, settings.FIGURES_REFRESH_LOCK_SECONDS):
                transaction.on_commit(refresh)
            return {**latest, "figures_stale": True}
    return store(name, parts, version, compute())


def refresh_cached(
    name: str, parts: tuple, compute: Callable[[], dict], *, regions: Iterable[Region | int] | None = None
) -> None:
    """The background job's half of ``cached``: the figures of ``parts`` at the current versions, stored."""
    try:
        version = data_version(regions)
        if version is not None and cache.get(cache_key(name, parts, version)) is None:
            store(name, parts, version, compute())
    finally:
        # No new job for the same figures before FIGURES_REFRESH_INTERVAL_SECONDS: under a stream of writes faster
        # than a job, the figures shown stay that far behind (dated) instead of the worker computing nothing else.
        interval = settings.FIGURES_REFRESH_INTERVAL_SECONDS
        if interval:
            cache.set(cache_key(f"{name}:refreshing", parts), True, interval)
        else:
            cache.delete(cache_key(f"{name}:refreshing", parts))
