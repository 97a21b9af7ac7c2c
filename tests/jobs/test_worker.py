"""One export through a real Celery worker: ``celery -A config worker --pool=solo`` started as a subprocess against
Redis (database 1) and the test's own database, which both processes open. The office asks for a long list's
export; the request answers with the job's page at once, the worker writes the file, and the owner downloads it.

Needs a database another process can open (PostgreSQL; SQLite's test database lives in this process's memory) and a
Redis server: found at REDIS_URL (default redis://127.0.0.1:6379/1) or started from ``redis-server`` on a free port.
Skipped without them, unless REQUIRE_SERVICES is set (CI sets it for its PostgreSQL run, so a missing one fails).
"""

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from openpyxl import load_workbook

from config.celery import app
from jobs.choices import JobStatus
from jobs.models import Job
from tests.factories import DomainFactory, ProjectFactory

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60
CELERY = [sys.executable, "-m", "celery", "-A", "config"]


def unavailable(reason: str):
    if os.environ.get("REQUIRE_SERVICES"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A reachable Redis: the machine's, else one started here for the test."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        yield url
        return
    except redis.RedisError:
        pass
    if not shutil.which("redis-server"):
        unavailable(f"no Redis at {url} and no redis-server to start")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/1"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.RedisError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def database_url() -> str:
    """The test database as a URL the worker can open."""
    db = connection.settings_dict
    user = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url, tmp_path, monkeypatch):
    """A Celery worker process, and this process sending to it."""
    # Not a missing service but this run's database: skipped even under REQUIRE_SERVICES (CI's SQLite half).
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database both processes open (run with DATABASE_URL=postgres://…)")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", redis_url)
    # The connections tasks ran eagerly with still name no broker: new ones are made for Redis (and dropped after).
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        # The worker's export storage (MEDIA_ROOT/exports) is the folder this test reads (tests/conftest.py).
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_DEBUG": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            # --purge: a task an earlier, crashed run left on the queue is dropped, not run against this database.
            [*CELERY, "worker", "--pool=solo", "--purge", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield log
    finally:
        process.terminate()
        process.wait(timeout=20)
        app.pool.force_close_all()


@pytest.mark.django_db(transaction=True)
def test_an_export_runs_on_a_real_worker(client, office_user, settings, worker):
    settings.EXPORT_JOB_THRESHOLD_ROWS = 5
    roads = DomainFactory(name="智能交通")
    for number in range(1, 13):
        ProjectFactory(code=f"W{number:03d}", name=f"工人项目{number}", domain=roads)
    client.force_login(office_user)

    response = client.get("/projects/", {"export": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    deadline = time.monotonic() + WAIT_SECONDS
    while job.status not in JobStatus.finished():
        assert time.monotonic() < deadline, worker.read_text()
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.rows_done == job.rows_total == 12
    assert "Task jobs.tasks.run_job[" in worker.read_text()

    download = client.get(f"/exports/mine/{job.pk}/download/")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    cells = {value for row in rows for value in row}
    assert {f"W{number:03d}" for number in range(1, 13)} <= cells, rows
    assert settings.CELERY_BROKER_URL == ""  # the rest of the suite still runs its tasks in-process
