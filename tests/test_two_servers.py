"""Two app servers behind one address: two gunicorn processes (deploy/gunicorn.conf.py) on one PostgreSQL database and
one Redis (cache and sessions), as a load balancer would spread a user's requests over them.

A session opened on one is valid on the other, and ended on one is ended on both; a write through one is read through
the other at once, and so is a dashboard figure cached before the write. PostgreSQL only (the servers need a database
both can reach: the tests' SQLite database lives in the test process's memory); skipped without Redis on
127.0.0.1:6379 (TEST_REDIS_URL) unless REQUIRE_SERVICES is set.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts.choices import Role
from tests.factories import ProjectFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
PASSWORD = "two-servers-2026"
START_SECONDS = 60


def services_or_skip() -> redis.Redis:
    if connection.vendor != "postgresql":
        pytest.skip("two servers need a database both can reach: PostgreSQL")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (test_…), which the test process has migrated and the servers share with it."""
    db = settings.DATABASES["default"]
    quote = urllib.parse.quote
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"


class Server:
    """One gunicorn with one worker; ``env`` on top of the shared settings."""

    def __init__(self, name: str, folder: Path, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{name}.log"
        metrics = folder / f"{name}-metrics"
        metrics.mkdir()
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "deploy/gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
        ]  # fmt: skip
        environment = {**os.environ, **env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)

    def wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {START_SECONDS} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing is waiting for an answer
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser: its cookies go to both servers, as to one address behind a load balancer."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects)

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def request(self, method: str, url: str, *, form: dict | None = None, data: dict | None = None, headers=None):
        """(status, headers, body) of one request, redirects not followed; writes carry the CSRF token."""
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD") and self.cookie("csrftoken"):
            headers["X-CSRFToken"] = self.cookie("csrftoken")
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def log_in(self, server: Server, username: str) -> str:
        """The session cookie the login through ``server`` set."""
        status, _headers, page = self.request("GET", f"{server.url}/accounts/login/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _ = self.request(
            "POST",
            f"{server.url}/accounts/login/",
            form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 302, "the login was refused"
        assert any(cookie.startswith("sessionid=") for cookie in headers.get_all("Set-Cookie"))
        return self.cookie("sessionid")

    def logged_in(self, server: Server) -> bool:
        status, _headers, _ = self.request("GET", f"{server.url}/projects/")
        assert status in (200, 302)
        return status == 200


def investment_on_dashboard(browser: Browser, server: Server) -> str:
    status, _headers, page = browser.request("GET", f"{server.url}/reports/dashboard/")
    assert status == 200
    return re.search(r'id="figure-investment">.*?<span class="figure">([^<]+)</span>', page, re.S).group(1)


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Servers A (with Django's connection pool) and B (a connection per worker), sharing a Redis prefix of their own
    that is emptied afterwards."""
    client = services_or_skip()
    prefix = f"two-servers-{uuid.uuid4().hex}"
    shared = {
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "DJANGO_DEBUG": "1",  # the static files' names as in development: no collectstatic needed
        "STATEMENT_TIMEOUT_SECONDS": "10",
    }
    started = [
        Server("a", tmp_path, {**shared, "DJANGO_DB_POOL": "1"}),
        Server("b", tmp_path, shared),
    ]
    try:
        deadline = time.monotonic() + START_SECONDS
        for server in started:
            server.wait_until_up(deadline)
        yield (*started, client, prefix)
    finally:
        for server in started:
            server.stop()
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def dashboard_entries(redis_client, prefix: str) -> list:
    return [key for key in redis_client.scan_iter(f"{prefix}:1:dashboard:*") if b":latest:" not in key]


def test_a_session_and_a_write_on_one_server_are_seen_on_the_other_at_once(servers):
    """(One test, so that CI's parallel workers start the two servers once.)"""
    a, b, redis_client, prefix = servers
    probe = Browser()
    for server in (a, b):
        status, headers, body = probe.request("GET", f"{server.url}/healthz", headers={"X-Request-ID": "lb-check-1"})
        assert (status, json.loads(body)) == (200, {"database": "ok", "cache": "ok"})
        assert headers["X-Request-ID"] == "lb-check-1"
        # Prometheus' multiprocess mode, as the service unit runs it: the worker's counts read from its files.
        status, _headers, body = probe.request("GET", f"{server.url}/metrics")
        assert status == 200
        assert re.search(r"django_http_requests_before_middlewares_total(\{[^}]*\})? [1-9]", body)

    office = UserFactory(username="office-two", role=Role.OFFICE)
    # The servers check passwords with the production hasher (the tests' own is a faster one).
    office.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    office.save(update_fields=["password"])
    project = ProjectFactory(total_investment=Decimal("1000.00"))

    browser = Browser()
    session = browser.log_in(a, "office-two")
    assert browser.logged_in(b), "the session opened on A is unknown to B"
    assert redis_client.exists(f"{prefix}:1:django.contrib.sessions.cached_db{session}")

    # A dashboard figure read through B and cached in Redis…
    before = investment_on_dashboard(browser, b)
    # The figures at this version, beside the entry of the latest computed (``reports.versioning``).
    (cached,) = dashboard_entries(redis_client, prefix)
    lifetime = redis_client.pttl(cached)
    # …is what A shows, from the same entry (had A computed and stored it again, its lifetime would start over).
    assert investment_on_dashboard(browser, a) == before
    assert dashboard_entries(redis_client, prefix) == [cached]
    assert redis_client.pttl(cached) <= lifetime, "A recomputed what B had cached"

    # …a write through A…
    status, _headers, body = browser.request(
        "PATCH", f"{a.url}/api/v1/projects/{project.pk}/", data={"total_investment": "5000.00"}
    )
    assert status == 200, body

    # …read through B at once, and the figure with it.
    status, _headers, body = browser.request("GET", f"{b.url}/api/v1/projects/{project.pk}/")
    assert (status, json.loads(body)["total_investment"]) == (200, 5000.0)
    assert investment_on_dashboard(browser, b) != before
    assert investment_on_dashboard(browser, a) == investment_on_dashboard(browser, b)

    # Logged out through B: A no longer knows the session either (no copy of it lives on in a process).
    status, _headers, _ = browser.request("POST", f"{b.url}/accounts/logout/")
    assert status == 302
    assert not browser.logged_in(a)
    assert not redis_client.exists(f"{prefix}:1:django.contrib.sessions.cached_db{session}")
