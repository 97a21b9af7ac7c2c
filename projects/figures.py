"""Each project's derived figures kept in ``ProjectFigures``, so that lists, totals, the dashboard and exports read
them (``ProjectQuerySet.with_stored_figures``) instead of computing them for every project on every request.

The stored values are ``with_figures()``'s own: ``refresh_figures`` runs that query and writes its rows with one
``INSERT … SELECT … ON CONFLICT`` in the database (no second copy of the rules, no rows through Python). They are
refreshed

- in the writer's transaction, for the project written: every save or delete of a project, a milestone or a progress
  report (signals connected in ``ProjectsConfig.ready``), so services, forms, the API, the admin and imports all
  count, whichever path they take to the row;
- every day for all projects (``manage.py refresh_project_figures``, scheduled just after midnight): planned
  progress and lateness move with the date alone. Until it has run, a row of yesterday is not read: the readers
  compute that project's figures as ``with_figures`` does.

Writes that send no signal (``QuerySet.update`` and ``bulk_create`` on those three models, raw SQL) must call
``refresh_figures`` themselves, as the benchmark's seeding does.
"""

import datetime
import functools
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import Milestone, ProgressReport, Project, ProjectFigures
from .querysets import FIGURE_NAMES

# Projects per statement of a full refresh: each statement's work, locks and memory stay bounded.
BATCH_SIZE = 5_000


def refresh_figures(project_ids: Iterable[int], *, today: datetime.date | None = None) -> None:
    """Store the figures of the projects ``project_ids`` as ``with_figures(today)`` computes them, in one statement,
    inside the caller's transaction."""
    ids = list(project_ids)
    if ids:
        rows = ProjectFigures.objects.filter(project__in=ids)
        _store(rows, f"pk IN ({', '.join(['%s'] * len(ids))})", ids, today or timezone.localdate())


def refresh_all_figures(*, today: datetime.date | None = None) -> int:
    """Store every project's figures as of ``today``, ``BATCH_SIZE`` projects per statement and transaction (memory
    and locks bounded whatever the portfolio's size); the number of projects stored."""
    today = today or timezone.localdate()
    stored, last = 0, 0
    ids = Project.all_objects.order_by("pk").values_list("pk", flat=True)
    while batch := list(ids.filter(pk__gt=last)[:BATCH_SIZE]):
        with transaction.atomic():
            rows = ProjectFigures.objects.filter(project__gt=last, project__lte=batch[-1])
            _store(rows, "pk > %s AND pk <= %s", [last, batch[-1]], today)
        stored, last = stored + len(batch), batch[-1]
    return stored


def _store(rows: QuerySet, condition: str, params: list, today: datetime.date) -> None:
    """Store ``with_figures(today)``'s rows for the projects whose ``pk`` meets ``condition`` (SQL with ``params``),
    whose stored figures, where they have any yet, are ``rows``."""
    connection = connections[router.db_for_write(ProjectFigures)]
    figures_sql, figures_params = _figures_sql(connection.alias, today, repr(settings.PORTFOLIO))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("project_id", *FIGURE_NAMES, "as_of"))
    selected = ", ".join(quote(name) for name in ("pk", *FIGURE_NAMES))
    updated = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in (*FIGURE_NAMES, "as_of"))
    # The caller's transaction, or one of its own for a write in autocommit (a shell's save).
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            # Another transaction writing these projects' figures commits first: the statement below reads the data
            # as of its own start (PostgreSQL's READ COMMITTED), so it then sees that transaction's writes. Without
            # the lock it could compute from before them and, writing last, store figures that miss them.
            list(rows.select_for_update().values_list("pk", flat=True))
        # The condition on the outer query reaches the projects' table (both databases merge the subquery into it),
        # so only those projects' figures are computed.
        cursor.execute(
            f"INSERT INTO {quote(ProjectFigures._meta.db_table)} ({columns}) "
            f"SELECT {selected}, %s FROM ({figures_sql}) AS computed WHERE {condition} "
            f"ON CONFLICT (project_id) DO UPDATE SET {updated}",
            (today, *figures_params, *params),
        )


@functools.lru_cache(maxsize=16)
def _figures_sql(alias: str, today: datetime.date, rules: str) -> tuple[str, tuple]:
    """``with_figures(today)`` over every project as SQL, built once a day per database and rules (``rules``:
    ``settings.PORTFOLIO`` as text): the ORM takes some 10 ms to build and compile it, which every write of a
    milestone or report would otherwise pay again."""
    figures = Project.all_objects.using(alias).with_figures(today).order_by().values_list("pk", *FIGURE_NAMES)
    return figures.query.sql_with_params()


def _remember_project(sender, instance, **kwargs):
    """The project a milestone or report was loaded with (read from the instance's fields: a deferred field would
    cost a query), so that moving it to another project refreshes both."""
    instance._figures_project_id = instance.__dict__.get("project_id")


def _project_written(sender, instance, raw=False, **kwargs):
    """A project, or one of its milestones or reports, saved: its figures again, and those of the project a
    milestone or report was moved from (``loaddata`` brings the figures of its own)."""
    if raw:
        return
    if sender is Project:
        refresh_figures([instance.pk])
        return
    refresh_figures({instance.project_id, instance._figures_project_id or instance.project_id})
    instance._figures_project_id = instance.project_id


def _part_deleted(sender, instance, origin=None, **kwargs):
    """A milestone or report deleted: its project's figures again, unless the deletion started from projects (the
    project goes, and its figures with it)."""
    if isinstance(origin, Project) or (isinstance(origin, QuerySet) and origin.model is Project):
        return
    refresh_figures([instance.project_id])


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_init, post_save

    for model in (Project, Milestone, ProgressReport):
        post_save.connect(_project_written, sender=model, dispatch_uid=f"figures_saved_{model.__name__}")
    for model in (Milestone, ProgressReport):
        post_init.connect(_remember_project, sender=model, dispatch_uid=f"figures_loaded_{model.__name__}")
        post_delete.connect(_part_deleted, sender=model, dispatch_uid=f"figures_deleted_{model.__name__}")
