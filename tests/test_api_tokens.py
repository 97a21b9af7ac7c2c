"""API tokens (django-rest-knox): one per device, each expiring, revoked on logout and on every path that changes a
password, listed and revoked by their user on a page of their own; the tokens REST framework issued before keep
working until the lifetime runs out."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-2026-word"


def log_in(user, password=PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(token) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/").status_code


def test_a_token_expires(liaison, settings):
    response = APIClient().post("/api/v1/auth/token/", {"username": liaison.username, "password": PASSWORD})
    body = response.json()
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert abs(expiry - (timezone.now() + settings.REST_KNOX["TOKEN_TTL"])) < datetime.timedelta(minutes=1)
    assert settings.REST_KNOX["TOKEN_TTL"] == datetime.timedelta(days=30)
    assert me(body["token"]) == 200
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert me(body["token"]) == 401
    assert not AuthToken.objects.exists()


def test_a_token_without_an_expiry_is_refused(liaison):
    _instance, token = AuthToken.objects.create(liaison, expiry=None)
    assert me(token) == 401


def test_one_token_per_device_and_logging_out_revokes_its_own(liaison):
    laptop, server = log_in(liaison), log_in(liaison)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {laptop}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert (me(laptop), me(server)) == (401, 200)
    other = log_in(liaison)
    client.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert client.post("/api/v1/auth/logout-all/").status_code == 204
    assert (me(server), me(other)) == (401, 401)


def test_a_user_keeps_at_most_the_configured_tokens(liaison, settings):
    settings.API_TOKENS_PER_USER = 2
    first, second, third = log_in(liaison), log_in(liaison), log_in(liaison)
    assert (me(first), me(second), me(third)) == (401, 200, 200)


def test_the_password_page_revokes_the_tokens(client, liaison):
    token = log_in(liaison)
    client.force_login(liaison)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "another-2026-word", "new_password2": "another-2026-word"},
    )
    assert response.status_code == 302
    assert me(token) == 401
    assert me(log_in(liaison, "another-2026-word")) == 200


def test_the_admin_revokes_the_tokens(client, liaison):
    token = log_in(liaison)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[liaison.pk]),
        {"password1": "another-2026-word", "password2": "another-2026-word", "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert me(token) == 401


def test_changepassword_revokes_the_tokens(liaison, monkeypatch):
    token = log_in(liaison)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "another-2026-word")
    call_command("changepassword", liaison.username, stdout=io.StringIO())
    assert me(token) == 401


def test_the_password_page_says_so(client, liaison):
    client.force_login(liaison)
    assert "令牌" in client.get(reverse("password_change")).content.decode()


def test_a_user_sees_and_revokes_only_their_own_tokens(client, liaison, other_liaison):
    mine, theirs = log_in(liaison), log_in(other_liaison)
    client.force_login(liaison)
    page = client.get(reverse("api-tokens"))
    assert [token.user for token in page.context["tokens"]] == [liaison]
    assert mine[:8] in page.content.decode() and theirs[:8] not in page.content.decode()
    their_digest = AuthToken.objects.get(user=other_liaison).digest
    client.post(reverse("api-tokens"), {"revoke": their_digest})
    assert me(theirs) == 200
    client.post(reverse("api-tokens"), {"revoke": AuthToken.objects.get(user=liaison).digest})
    assert me(mine) == 401
    log_in(liaison), log_in(liaison)
    client.post(reverse("api-tokens"), {"revoke_all": "1"})
    assert not AuthToken.objects.filter(user=liaison).exists()
    assert me(theirs) == 200


def test_the_schema_documents_the_token(api, liaison):
    schema = api.as_user(liaison).get("/api/schema/", {"format": "json"}).json()
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1:]) == {"Token"}
    assert "/api/v1/auth/logout/" in schema["paths"]


def test_roles_still_apply_through_a_token(db):
    user = UserFactory(username="leader-2")
    user.groups.add(Group.objects.get(name=Role.LEADER))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {log_in(user)}")
    assert client.get("/api/v1/projects/").status_code == 200
    assert client.post("/api/v1/plans/", {}, format="json").status_code == 403
