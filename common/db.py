"""Database expressions the ORM lacks, written once for every backend we run on."""

import dataclasses
import re

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections
from django.db.models import Case, FloatField, Func, UniqueConstraint, Value, When
from django.utils.translation import gettext_lazy as _


class DaysBetween(Func):
    """Days from ``earlier`` to ``later`` as a float (negative when ``later`` comes first), for dates."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is an integer count of days; cast so that ratios do not divide integers.
        return super().as_sql(
            compiler,
            connection,
            template="CAST((%(expressions)s) AS double precision)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra_context
        )


# PostgreSQL's statement timeout for web requests.
#
# A request's queries may run for at most ``settings.STATEMENT_TIMEOUT`` seconds (0: no limit); the server cancels a
# longer one, and the request answers 503 (``common.middleware.DatabaseErrorsMiddleware``) instead of holding a
# worker, and the database, for as long as the query runs. Management commands (migrate, restore) and the benchmarks'
# seeding never set it. The setting goes to the connection lazily, before the request's first query, and only when it
# differs from what the connection already has; it is sent on the driver's own cursor, so it is not one of the
# request's queries.

STATEMENT_TIMEOUT_SQLSTATE = "57014"  # query_canceled
STATEMENT_TIMEOUT_MESSAGE = _(
    "The request took longer than the server allows and was stopped. Narrow it down and try again."
)


def wanted_statement_timeout(milliseconds: int | None, using: str = DEFAULT_DB_ALIAS):
    """The statement timeout the next queries on ``using`` should run under (None: the server's default)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        connection.wanted_statement_timeout = milliseconds


def start_request_timeout(using: str = DEFAULT_DB_ALIAS):
    """At the start of a web request: the configured limit."""
    seconds = settings.STATEMENT_TIMEOUT
    wanted_statement_timeout(int(seconds * 1000) if seconds else None, using)


def lift_statement_timeout(using: str = DEFAULT_DB_ALIAS):
    """For the rest of this request, no limit: the exports and imports that legitimately run longer (until they
    become background jobs)."""
    connection = connections[using]
    if getattr(connection, "wanted_statement_timeout", None) is not None:
        wanted_statement_timeout(0, using)


def _statement_timeout_wrapper(execute, sql, params, many, context):
    connection = context["connection"]
    wanted = getattr(connection, "wanted_statement_timeout", None)
    if wanted != getattr(connection, "statement_timeout", None) and not connection.needs_rollback:
        with connection.connection.cursor() as cursor:
            if wanted is None:
                cursor.execute("RESET statement_timeout")
            else:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [str(wanted)])
        connection.statement_timeout = wanted
    return execute(sql, params, many, context)


# What a connection lent by the pool (``DJANGO_DB_POOL``) may carry over from the request that had it before: the
# first query sets the timeout whatever it is to be, even the server's default.
UNKNOWN = object()


def install_statement_timeout(sender, connection, **kwargs):
    """``connection_created``: a new PostgreSQL connection has the server's default (one lent by the pool, whatever
    the last request left); watch its queries."""
    if connection.vendor != "postgresql":
        return
    connection.statement_timeout = UNKNOWN if connection.pool else None
    if _statement_timeout_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_statement_timeout_wrapper)


def end_request_timeout(sender=None, **kwargs):
    """``request_finished`` (after a streamed response's last byte): later queries, outside any request, have no
    limit again."""
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql":
            connection.wanted_statement_timeout = None


def is_statement_timeout(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is PostgreSQL cancelling a statement that ran past its timeout."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "sqlstate", None) == STATEMENT_TIMEOUT_SQLSTATE:
            return True
        error = error.__cause__ or error.__context__
    return False


# A write refused by a constraint the validation before it had checked: two requests raced past the check (two
# identical plans posted at once), so the second insert meets the first's row. Whatever path the write took, the
# refusal names the constraint's own translated message (``violation_error_message``, or Django's for a unique field),
# as the validation would have, and never the database's text.

UNIQUE_SQLSTATE, CHECK_SQLSTATE, FOREIGN_KEY_SQLSTATE = "23505", "23514", "23503"
CONFLICT_MESSAGE = _(
    "This change conflicts with one saved at the same moment. Nothing was saved: reload and try again."
)
SQLITE_CONSTRAINT = re.compile(r"^(UNIQUE|CHECK|FOREIGN KEY) constraint failed(?:: (.+))?$")
POSTGRES_KEY = re.compile(r"^Key \((.+?)\)=")


@dataclasses.dataclass(frozen=True)
class Violation:
    """The constraint a write ran into: the field it concerns (None for several) and its message for people."""

    field: str | None
    message: str


def _describe(error: IntegrityError) -> tuple[str, str, set[str], str]:
    """(kind "unique", "check" or "foreign key", table, columns, constraint name) as far as the backend says."""
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:  # PostgreSQL
        kinds = {UNIQUE_SQLSTATE: "unique", CHECK_SQLSTATE: "check", FOREIGN_KEY_SQLSTATE: "foreign key"}
        kind = kinds.get(getattr(cause, "sqlstate", ""), "")
        match = POSTGRES_KEY.match(diag.message_detail or "")
        columns = {column.strip().strip('"') for column in match.group(1).split(",")} if match else set()
        return kind, diag.table_name or "", columns, diag.constraint_name or ""
    match = SQLITE_CONSTRAINT.match(str(error))
    if not match:
        return "", "", set(), ""
    kind, rest = match.group(1).lower(), match.group(2) or ""
    if kind != "unique" or rest.startswith("index "):
        return kind, "", set(), rest.removeprefix("index ").strip("'")
    pairs = [part.strip().split(".", 1) for part in rest.split(",")]
    return kind, pairs[0][0], {column for _table, column in pairs}, ""


def constraint_violation(error: BaseException) -> Violation | None:
    """The ``Violation`` behind a unique or check constraint's ``IntegrityError`` (and a foreign key's: a related row
    removed meanwhile); None for anything else, which stays a server error."""
    if not isinstance(error, IntegrityError):
        return None
    kind, table, columns, name = _describe(error)
    if not kind:
        return None
    if kind == "foreign key":
        return Violation(None, str(CONFLICT_MESSAGE))
    for model in apps.get_models():
        opts = model._meta
        for constraint in opts.constraints:
            fields = list(getattr(constraint, "fields", ()))
            named = name and constraint.name == name
            same_columns = (
                kind == "unique"
                and opts.db_table == table
                and fields
                and {opts.get_field(field).column for field in fields} == columns
            )
            if named or same_columns:
                default = constraint.violation_error_message == constraint.default_violation_error_message
                if isinstance(constraint, UniqueConstraint) and fields and default:
                    message = _unique_message(model, fields)  # as Django's own validation words it
                else:
                    message = str(constraint.get_violation_error_message())
                # A code unique within its region (``accounts.models.per_region_unique``) is the code's clash.
                named_fields = [field for field in fields if field != "region"]
                return Violation(named_fields[0] if len(named_fields) == 1 else None, message)
        if kind == "unique" and opts.db_table == table:
            for field in opts.concrete_fields:
                if field.unique and {field.column} == columns:
                    return Violation(field.name, _unique_message(model, [field.name]))
    return None


def _unique_message(model, fields) -> str:
    error = model().unique_error_message(model, tuple(fields))
    return str(error.message) % error.params


def choice_rank(field: str, values: list[str]):
    """Sort rows by the order of a field's choices (worst health last, statuses in their life order) rather than
    by their stored codes."""
    return Case(*(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)), default=Value(0))
