"""PostgreSQL's statement timeout for web requests (common.db, common.middleware.DatabaseErrorsMiddleware): a query
of a request that runs past STATEMENT_TIMEOUT is cancelled and the request answers 503, a Chinese page or JSON under
/api/, never 500; exports and imports are exempt; outside requests nothing is limited.

A query is made slow by running ``pg_sleep`` before the first query of the request that reads the projects table,
on the request's own connection (an execute wrapper), as a search over a large table would. Each test runs outside a
test transaction: a cancelled statement aborts the transaction it is in, as it would in production's autocommit.
"""

import contextlib

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import ProjectFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a statement timeout is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 0.2
SLEEP = 0.6


@contextlib.contextmanager
def slow_projects_query(seconds=SLEEP):
    """Every query on the projects table sleeps ``seconds`` first, within the same statement timeout."""

    def wrapper(execute, sql, params, many, context):
        if '"projects_project"' in sql and "pg_sleep" not in sql:
            context["cursor"].execute("SELECT pg_sleep(%s)", [seconds])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


@pytest.fixture
def limited(settings):
    settings.STATEMENT_TIMEOUT = TIMEOUT
    ProjectFactory()


def test_a_page_whose_query_runs_too_long_answers_503_in_chinese(client, office_user, limited):
    client.force_login(office_user)
    with slow_projects_query():
        response = client.get(reverse("project-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "服务器繁忙" in page
    assert "请求耗时超过服务器允许的时间" in page


def test_an_api_query_that_runs_too_long_answers_503_json(api, office_user, limited):
    with slow_projects_query():
        response = api.as_user(office_user).get("/api/v1/projects/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "请求耗时超过服务器允许的时间" in response.json()["detail"]


def test_a_quick_request_is_not_stopped(client, office_user, limited):
    client.force_login(office_user)
    with slow_projects_query(TIMEOUT / 4):
        assert client.get(reverse("project-list")).status_code == 200


def test_exports_and_imports_are_exempt(client, office_user, limited):
    client.force_login(office_user)
    with slow_projects_query():
        response = client.get(reverse("project-list"), {"export": "csv"})
        assert response.status_code == 200
        b"".join(response.streaming_content if response.streaming else [response.content])
        assert client.get(reverse("export-project-plan"), {"year": 2026}).status_code == 200


def test_no_limit_outside_requests_nor_with_the_setting_at_zero(client, office_user, limited, settings):
    client.force_login(office_user)
    with slow_projects_query():
        assert client.get(reverse("project-list")).status_code == 503
    # After the request (a management command, a test's own queries): the server's default, no limit.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [SLEEP])
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    settings.STATEMENT_TIMEOUT = 0
    with slow_projects_query():
        assert client.get(reverse("project-list")).status_code == 200


def test_the_limit_is_set_once_per_connection_not_per_request(client, office_user, settings, limited):
    """The timeout is sent to the connection only when it changes, outside the request's own queries."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(office_user)
    client.get(reverse("project-list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("project-list"))
    assert not any("statement_timeout" in query["sql"] for query in queries.captured_queries)
    assert connection.wanted_statement_timeout is None  # the limit ends with the request (sent lazily)
