"""The forced failure, and what "nothing left behind" means; the form data more than one kind of write posts."""

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import connection
from django.utils import timezone

from proposals.models import Category
from tests.factories import ProjectFactory

APPS = ("projects", "proposals", "reports")
FAILURE = "forced failure"


# --------------------------------------------------------------------------------------------------------------
# The forced failure, and what "nothing left behind" means
# --------------------------------------------------------------------------------------------------------------


def sql_literal(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a marked value is a string or an integer, not {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


class ForcedFailures:
    """Triggers that make a write to a table fail inside the database (SQLite and PostgreSQL alike, as an
    IntegrityError), removed after the test."""

    def __init__(self):
        self.installed: list[tuple[str, str]] = []

    def on(self, target, *, event: str = "INSERT", when: dict | None = None, after: int | None = None):
        """Fail ``event`` (INSERT or UPDATE) on ``target`` (a model or a table name): every one, or those whose new
        row has the values in ``when``, or (INSERT) those once ``after`` more rows have been inserted."""
        assert event in ("INSERT", "UPDATE")
        quote = connection.ops.quote_name
        table = target if isinstance(target, str) else target._meta.db_table
        conditions = [f"NEW.{quote(column)} = {sql_literal(value)}" for column, value in (when or {}).items()]
        if after is not None:
            assert event == "INSERT"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
                existing = cursor.fetchone()[0]
            conditions.append(f"(SELECT COUNT(*) FROM {quote(table)}) >= {existing + after}")
        condition = " AND ".join(conditions) or "1 = 1"
        name = f"atomicity_test_failure_{len(self.installed) + 1}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {quote(name)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF {condition} THEN RAISE EXCEPTION '{FAILURE}' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER {quote(name)} BEFORE {event} ON {quote(table)} "
                    f"FOR EACH ROW EXECUTE FUNCTION {quote(name)}()"
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER {quote(name)} BEFORE {event} ON {quote(table)} WHEN {condition} "
                    f"BEGIN SELECT RAISE(ABORT, '{FAILURE}'); END"
                )
            else:
                pytest.skip(f"no forced failures on {connection.vendor}")
        self.installed.append((name, table))

    def remove(self):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for name, table in self.installed:
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {quote(name)}()")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        self.installed.clear()


def app_tables() -> list[str]:
    """Every table of the apps: models, many-to-many tables and history tables (those of the links too)."""
    return sorted(
        {
            model._meta.db_table
            for label in APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )


def database_state() -> dict[str, list[tuple]]:
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for table in app_tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            state[table] = sorted(map(tuple, cursor.fetchall()), key=repr)
    return state


def changed_tables(before: dict) -> dict[str, tuple[int, int]]:
    """The tables whose rows differ from ``before``, with their row counts before and now."""
    after = database_state()
    return {table: (len(before[table]), len(after[table])) for table in before if after[table] != before[table]}


def assert_nothing_left(before: dict):
    changed = changed_tables(before)
    assert not changed, f"rows left behind by the failed request (table: rows before, after): {changed}"


def assert_written(before: dict, *tables: str):
    """The request, once it can succeed, writes at least these tables (model or table names)."""
    names = {table if isinstance(table, str) else table._meta.db_table for table in tables}
    changed = changed_tables(before)
    assert names <= set(changed), f"expected writes to {sorted(names - set(changed))}; changed: {changed}"


def messages_of(response, level=messages.ERROR) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == level]


def today():
    return timezone.localdate()


def category():
    # Tests run in transactions empty the reference data of the migrations.
    return Category.objects.get_or_create(name="城市建设与管理")[0]


def proposal_form_data(session, **values):
    data = {
        "session": session.pk,
        "number": "101",
        "title": "关于建设城市大脑的建议",
        "proposer_names": "储建华\n吴建娣\n民革区委会",
        "category": category().pk,
        "submitted_on": "2026-01-12",
        "content": "数据分散。",
        "suggestions": "统一平台。",
        "is_key": "on",
        "supervising_leader": "张副区长",
        "related_projects": [ProjectFactory().pk],
    }
    data.update(values)
    return data
