"""/healthz for the load balancer and /metrics for Prometheus (``common.probes``)."""

import os
import re
import socket

import pytest
from django.db import connection

from tests.factories import UserFactory

CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
def test_healthz_checks_the_database_and_the_cache_with_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    # No session, no language cookie: a probe every few seconds leaves nothing behind.
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_address_over_plain_http(client, settings):
    """A load balancer asks each server by its address, without TLS: neither the host check nor the HTTPS redirect
    stands in its way (every page still has both)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["smartcity.example.gov.cn"]
    assert client.get("/healthz", HTTP_HOST="10.20.30.40:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="smartcity.example.gov.cn").status_code == 301


@pytest.mark.django_db
def test_healthz_answers_503_and_names_the_failed_check(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error"}


@pytest.mark.django_db
def test_healthz_checks_a_redis_broker_when_one_is_configured(client, settings):
    settings.CELERY_BROKER_URL = CLOSED_REDIS
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"database": "ok", "cache": "ok", "broker": "error"})

    if not redis_is_up():
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = REDIS_URL
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})


@pytest.mark.django_db
def test_healthz_is_read_only(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_metrics_answer_an_allowed_address_only(client, settings):
    client.get("/accounts/login/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert 'django_http_requests_total_by_view_transport_method_total{method="GET"' in response.content.decode()

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 403


@pytest.mark.django_db
def test_metrics_refuse_what_the_reverse_proxy_forwarded(client):
    """Through nginx on the same server every request comes from 127.0.0.1: the header the proxy adds gives it away."""
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


@pytest.mark.django_db
def test_metrics_need_no_login_and_open_no_session(client):
    client.force_login(UserFactory())
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_metrics_count_the_database_queries_on_postgresql(client):
    if connection.vendor != "postgresql":
        pytest.skip("the query metrics wrap the PostgreSQL backend only")
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'django_db_execute_total{alias="default",vendor="postgresql"}' in text


@pytest.mark.django_db
def test_metrics_count_a_locked_out_login_with_its_429(client, settings):
    UserFactory(username="liaison1")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/accounts/login/", {"username": "liaison1", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    text = client.get("/metrics").content.decode()
    assert re.search(r'django_http_responses_total_by_status_view_method_total\{[^}]*status="429"[^}]*\} [1-9]', text)
