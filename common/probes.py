"""The two addresses machines ask, not people: ``/healthz`` for the load balancer and ``/metrics`` for Prometheus.

They are answered by a middleware near the top of the chain, before the host check, the HTTPS redirect, the session,
the login and the language: a load balancer or a scraper asks each app server by its own address, over plain HTTP,
without a cookie, every few seconds, and neither answer has anything to do with a user. So a probe opens no session,
is never locked out or counted by django-axes, and runs none of the page machinery (the navigation's counts, the
statement timeout's 503 page).
"""

import ipaddress
import logging
import urllib.parse
import uuid

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseForbidden, HttpResponseNotAllowed, JsonResponse
from django_prometheus.exports import ExportToDjangoView

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


def check_database() -> None:
    # No statement timeout of its own: SELECT 1 reads nothing that could be slow, and a session-wide SET would outlive
    # the probe behind PgBouncer's transaction pooling. What can hang is the connection, bounded by its connect_timeout.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # A key of its own, so that two servers probing at once never read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("The cache did not give back what was just stored in it.")
    finally:
        cache.delete(key)


def check_broker(url: str) -> None:
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def health_checks() -> dict:
    """What ``/healthz`` checks: the database and the cache always; the task queue's broker when one is configured
    and it is Redis (an in-process broker, as in development and the tests, has nothing to reach)."""
    checks = {"database": check_database, "cache": check_cache}
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if urllib.parse.urlsplit(broker).scheme in ("redis", "rediss"):
        checks["broker"] = lambda: check_broker(broker)
    return checks


def healthz(request):
    """``{"database": "ok", "cache": "ok", …}``: 200 when every check passed, 503 (with "error" for the failed ones,
    the reason in the log) otherwise."""
    results = {}
    for name, check in health_checks().items():
        try:
            check()
        except Exception:
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = "error"
        else:
            results[name] = "ok"
    status = 200 if all(result == "ok" for result in results.values()) else 503
    response = JsonResponse(results, status=status)
    response["Cache-Control"] = "no-store"
    return response


def metrics_allowed(request) -> bool:
    """Only a scraper that reaches this server directly from an address of ``METRICS_ALLOWED_IPS``: a request the
    reverse proxy forwarded (it names the client in X-Forwarded-For) comes from the proxy's address, which may well be
    an allowed one, so it is refused whatever that address."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


def metrics(request):
    if not metrics_allowed(request):
        return HttpResponseForbidden("Forbidden", content_type="text/plain")
    return ExportToDjangoView(request)


class ProbesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = {HEALTH_PATH: healthz, METRICS_PATH: metrics}.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return probe(request)
