"""Database expressions the ORM lacks, written once for every backend we run on."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import FloatField, Func
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
# longer one, and the request answers 503 (``common.middleware.StatementTimeoutMiddleware``) instead of holding a
# worker, and the database, for as long as the query runs. Management commands (migrate, restore, seed_scale) never
# set it. The setting goes to the connection lazily, before the request's first query, and only when it differs from
# what the connection already has; it is sent on the driver's own cursor, so it is not one of the request's queries.

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


def install_statement_timeout(sender, connection, **kwargs):
    """``connection_created``: a new PostgreSQL connection has the server's default; watch its queries."""
    if connection.vendor != "postgresql":
        return
    connection.statement_timeout = None
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
