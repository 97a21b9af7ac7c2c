"""Deployment settings: no start without a secret key when debug is off; ``check --deploy`` is clean; PostgreSQL
connections do not JIT-compile queries."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-" + "k7Q2xZ9vB4mN8pL1wE6rT3yU5iO0aS" * 2,
    "DJANGO_ALLOWED_HOSTS": "smartcity.example.gov.cn",
}


def manage(*args, **env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_and_language_defaults():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_postgresql_runs_queries_without_jit_compilation():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def settings_with(code: str, **env) -> list[str]:
    """What ``code`` prints about the settings read from ``env`` (besides the production variables)."""
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings as s; {code}"],
        cwd=ROOT,
        env={**PRODUCTION, **env, "DJANGO_SETTINGS_MODULE": "config.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_sessions_live_in_a_shared_cache_only():
    """With Redis the sessions are read from it (written through to the database); with a cache of one process or one
    server they stay in the database, or a session ended on one server would live on in another's copy."""
    code = "print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], s.CACHES['default']['OPTIONS']['socket_timeout'])"
    assert settings_with(code, CACHE_URL="redis://127.0.0.1:6379/2") == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
        "5",
    ]
    code = "print(s.SESSION_ENGINE)"
    assert settings_with(code) == ["django.contrib.sessions.backends.db"]
    assert settings_with(code, CACHE_URL="filecache:///tmp/smartcity-cache") == ["django.contrib.sessions.backends.db"]


def test_the_connection_pool_replaces_persistent_connections():
    code = "d = s.DATABASES['default']; print(d['ENGINE'], d['CONN_MAX_AGE'], sorted(d['OPTIONS']['pool'].items()))"
    url = "postgres://smartcity@db.example.gov.cn:5432/smartcity"
    engine, max_age, *pool = settings_with(code, DATABASE_URL=url, DJANGO_DB_POOL="1", DJANGO_DB_POOL_MAX_SIZE="8")
    assert (engine, max_age) == ("django_prometheus.db.backends.postgresql", "0")
    assert " ".join(pool) == "[('max_size', 8), ('min_size', 1), ('timeout', 10.0)]"
    code = "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], 'pool' in d['OPTIONS'])"
    assert settings_with(code, DATABASE_URL=url) == ["60", "False"]
