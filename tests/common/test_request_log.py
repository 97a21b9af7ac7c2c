"""One JSON line per request, and the request's id on every line (``common.request_log``)."""

import json
import logging
import re

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from common.request_log import RequestIdFilter, end_request_id
from tests.factories import UserFactory


class Lines(logging.Handler):
    """The lines the production handler would write: the settings' JSON formatter behind the request id filter."""

    def __init__(self):
        super().__init__()
        options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
        self.setFormatter(JsonFormatter(**options))
        self.addFilter(RequestIdFilter())
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


@pytest.mark.django_db
def test_each_request_gets_an_id_in_its_answer(client):
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("7f3c9a2e5b8d4c1fa0e6b2d9c4f8a1e3", True),  # nginx's $request_id
        ("0d9e4c1a-5b7f-4e2a-9c3d-8f1b6a2e4d7c", True),
        ("lb-1:trace.42", True),
        ("x" * 129, False),
        ("abc def", False),
        ("abc\r\nSet-Cookie: x=1", False),
        ("", False),
    ],
)
def test_the_proxys_id_is_kept_when_it_is_a_short_safe_token(client, offered, kept):
    answered = client.get("/accounts/login/", HTTP_X_REQUEST_ID=offered)["X-Request-ID"]
    if kept:
        assert answered == offered
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", answered)


@pytest.mark.django_db
def test_one_line_per_request_and_the_id_on_every_line_of_it(client, log_lines):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404

    lines = [line for line in log_lines if line["request_id"] == "req-42"]
    # The request's line, then Django's own warning about the missing page (written after the last middleware
    # returned), both under the request's id.
    assert [line["logger"] for line in lines] == ["smartcity.requests", "django.request"]
    request_line = lines[0]
    assert request_line["method"] == "GET"
    assert request_line["path"] == "/no-such-page/"
    assert request_line["status"] == 404
    assert request_line["user_id"] == user.pk
    assert request_line["duration_ms"] >= 0
    assert request_line["level"] == "INFO" and request_line["time"]


@pytest.mark.django_db
def test_the_line_leaves_out_the_query_string_and_a_user_the_request_did_not_load(
    client, log_lines, django_assert_num_queries
):
    client.force_login(UserFactory())
    # The health probe never looks at the session: naming its user would cost it two queries more than its SELECT 1.
    with django_assert_num_queries(1):
        client.get("/healthz?from=张三")
    (line,) = [line for line in log_lines if line["logger"] == "smartcity.requests"]
    assert line["path"] == "/healthz"
    assert line["user_id"] is None


def test_lines_outside_a_request_say_so(log_lines):
    # As a server does once a response is sent; a test's streamed response left unread would keep its request's id.
    end_request_id()
    logging.getLogger("smartcity.test").warning("你好")
    assert log_lines[-1]["message"] == "你好"
    assert log_lines[-1]["request_id"] == "-"
