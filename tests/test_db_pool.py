"""Django's connection pool (``DJANGO_DB_POOL``) with the web requests' statement timeout (``common.db``): a pooled
connection goes from request to request, and must not carry one request's limit into work outside a request."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.django_db


def statement_timeout(wrapper) -> str:
    with wrapper.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_pooled_connection_forgets_the_last_requests_timeout():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    default = settings.DATABASES["default"]
    pooled_settings = {
        **default,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**default.get("OPTIONS", {}), "pool": {"min_size": 1, "max_size": 1}},
    }
    # An alias of its own (a handler needs a default beside it, never opened): the pools are kept by alias, and the
    # tests' own connection does not pool.
    pooled = ConnectionHandler({"default": default, "pooled": pooled_settings})["pooled"]
    try:
        pooled.wanted_statement_timeout = 1234  # as a web request sets it
        assert statement_timeout(pooled) == "1234ms"
        first = backend_pid(pooled)
        pooled.close()  # back to the pool at the end of the request

        pooled.wanted_statement_timeout = None  # a management command, a job: the server's default
        assert backend_pid(pooled) == first  # the same connection, lent again
        assert statement_timeout(pooled) == "0"
    finally:
        pooled.close()
        pooled.close_pool()
