"""Login hardening: repeated wrong passwords lock the username out from that address (django-axes), in Chinese and
with 429; a right password during the lockout does not get in; another address, or the same one after the cool-off
or an administrator's reset, does; a success clears the count. Every page carries the Content Security Policy;
the session and CSRF cookies are HTTP-only and secure in production; forms without a CSRF token are refused."""

import datetime
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from tests.test_settings import PRODUCTION, ROOT, manage

pytestmark = pytest.mark.django_db

PASSWORD = "pass-2026-word"


def attempt(client, password, address="10.1.2.3", username="liaison1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_username_out_from_that_address(client):
    UserFactory(username="liaison1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode()
    assert "15 分钟后" in locked.content.decode()

    # The right password does not get in while locked, from that address.
    assert attempt(client, PASSWORD).status_code == 429
    assert client.get("/").status_code == 302
    # Someone else at another address is not locked out of their own account.
    other = Client()
    assert attempt(other, PASSWORD, address="10.9.9.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off_or_an_administrators_reset(client):
    UserFactory(username="liaison1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert attempt(client, PASSWORD).status_code == 302

    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429
    reset(username="liaison1")
    assert attempt(client, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client):
    UserFactory(username="liaison1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_the_api_token_exchange_counts_towards_and_obeys_the_lockout(client):
    UserFactory(username="liaison1")
    api = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = api.post("/api/v1/auth/token/", {"username": "liaison1", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
        assert wrong.status_code == 400
    refused = api.post("/api/v1/auth/token/", {"username": "liaison1", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    assert refused.status_code == 400  # the right password gets no token while locked out
    assert "token" not in refused.json()
    # The same username is locked on the login page from that address too.
    assert attempt(client, PASSWORD).status_code == 429


def test_every_page_carries_the_content_security_policy(client):
    user = UserFactory()
    client.force_login(user)
    for path in ("/accounts/login/", "/", "/projects/", "/api/v1/projects/"):
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"


def test_forms_without_a_csrf_token_are_refused():
    user = UserFactory(username="liaison1")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "liaison1", "password": PASSWORD}).status_code == 403
    client.force_login(user)
    assert client.post("/accounts/logout/").status_code == 403


def test_production_cookies_are_secure_and_http_only():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "len([v for v in s.AUTH_PASSWORD_VALIDATORS if v['NAME'].startswith('django.contrib.auth.')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "4"], result.stderr
    assert manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION).returncode == 0
