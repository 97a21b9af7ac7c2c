"""Dashboard benchmark: seed synthetic portfolios of several sizes and time the main pages on each.

    .venv/bin/python bench/dashboard.py [--sizes 100 10000] [--reuse] [--no-check]

Runs on DATABASE_URL when the environment or .env sets it; otherwise on its own SQLite file
(bench/.data/bench.sqlite3), so that a developer's demo database is never touched. Each size is generated with
``bench.seed --clear`` (only synthetic rows are replaced; ``--reuse`` keeps a portfolio of that size). Each page gets
one warm-up request, then five timed ones right after a write ("cold") and five with no write between ("warm"), as the
``bench-leader`` account; the table shows the median time in the server (no network) and the queries of one request.
As in production with Redis and a worker, after a write the dashboard shows the figures last computed while a job
computes the new ones: that job is timed apart. The targets (issue 23), at the largest size: every page, cold and
warm, under 500 ms, within three times its time at the smallest size, with as many queries. The Excel exports (the
project list's and the year's 重大项目计划表) are background jobs at every size here (EXPORT_JOB_THRESHOLD_ROWS 0): the
request, which only queues the job, answers in under 5 s, and the job, run as the worker runs it, finishes in under
60 s; its peak of Python memory (tracemalloc, in a second run) is printed per size. Each size's figures are kept in
bench/.data/dashboard-<vendor>.json, so that sizes seeded into two databases are compared across two runs.
"""

import argparse
import io
import json
import statistics
import sys
import time
import tracemalloc

from harness import DATA, machine, set_up_django

DASHBOARD = "/reports/dashboard/"
EXPORTS = ["/projects/?export=xlsx", f"/reports/export/project-plan.xlsx?year={time.localtime().tm_year}"]
SCALED_LISTS = ["/projects/", "/api/v1/projects/"]
PAGES = [DASHBOARD, *SCALED_LISTS, "/proposals/"]
REFRESH_JOB = "dashboard refresh job (after a write)"
TIMED_REQUESTS = 5
TARGET_MS = 500
TARGET_RATIO = 3
EXPORT_TARGET_MS = 5000
EXPORT_JOB_TARGET_S = 60


def seed(size: int, reuse: bool) -> float | None:
    """Seconds to seed ``size`` projects; None when ``reuse`` found a portfolio of that size there."""
    from django.core.management import call_command
    from django.db import connection

    from bench.seed import SeedCommand
    from projects.models import Project

    if reuse and Project.objects.filter(code__startswith="SC-").count() == size:
        return None
    started = time.perf_counter()
    call_command(SeedCommand(), projects=size, clear=True, stdout=io.StringIO())
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute or so of a bulk load: without the statistics the planner takes the
        # 10,000 new projects for a few dozen and, for one, sorts them all to show the list's first page.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def write_something() -> None:
    """A write such as any edit makes: it moves the data version, so cached figures no longer apply."""
    from django.utils import timezone

    from projects.models import Project

    Project.objects.filter(pk=Project.objects.order_by("pk").values("pk")[:1]).update(last_updated=timezone.now())


def measure(client, url: str) -> dict | None:
    """Median milliseconds and queries per request, right after a write ("cold": nothing cached applies) and
    repeated with no write between ("warm"); None when the page does not exist (404)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(write_first: bool) -> tuple[float, int]:
        timings, queries = [], 0
        for _ in range(TIMED_REQUESTS):
            if write_first:
                write_something()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            response.close()
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}, expected 200.")
            queries = len(captured)
        return statistics.median(timings) * 1000, queries

    if client.get(url).status_code == 404:
        return None
    cold, cold_queries = timed(write_first=True)
    warm, warm_queries = timed(write_first=False)
    return {"cold": cold, "cold_queries": cold_queries, "warm": warm, "warm_queries": warm_queries}


def measure_refresh() -> dict:
    """The job that computes the dashboard's figures again after a write (``reports.tasks.refresh_dashboard``), as the
    worker runs it, for the bench-leader with no filter: median of five, each right after a write."""
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.synthetic import BENCH_USERNAME
    from reports.dashboard import DashboardFigures

    timings, queries = [], 0
    for _ in range(TIMED_REQUESTS):
        write_something()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            DashboardFigures(User.objects.get(username=BENCH_USERNAME), QueryDict()).refresh()
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    job = statistics.median(timings) * 1000
    return {"cold": job, "cold_queries": queries, "warm": job, "warm_queries": queries}


def check_pages(results: dict[tuple[str, int], dict], sizes: list[int]) -> list[str]:
    """PASS/FAIL lines for issue 23's targets: each page, right after a write (cold) and with no write between (warm),
    answers at the largest size in under 500 ms, within three times its time at the smallest, with as many queries.
    Right after a write the dashboard shows the figures last computed while a job computes the new ones: that job's
    time is a note."""
    small, large = min(sizes), max(sizes)
    lines = []
    for url in PAGES:
        if (url, large) not in results or (url, small) not in results:
            lines.append(f"FAIL  {url} answered 404: the targets cannot be checked.")
            continue
        for state in ("cold", "warm"):
            large_ms, small_ms = results[url, large][state], results[url, small][state]
            verdict = "PASS" if large_ms < TARGET_MS else "FAIL"
            lines.append(f"{verdict}  {state}: {url} at {large} projects: {large_ms:.0f} ms (< {TARGET_MS} ms)")
            if large == small:
                continue
            ratio = large_ms / small_ms
            lines.append(
                f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL'}  {state}: {url} at {large} / at {small} projects: "
                f"{large_ms:.0f} / {small_ms:.0f} ms = {ratio:.2f} (<= {TARGET_RATIO})"
            )
            queries = results[url, large][f"{state}_queries"], results[url, small][f"{state}_queries"]
            lines.append(
                f"{'PASS' if queries[0] == queries[1] else 'FAIL'}  {state}: {url} queries at {large} and at {small} "
                f"projects: {queries[0]} and {queries[1]} (the same)"
            )
    if (REFRESH_JOB, large) in results:
        lines.append(f"note  {REFRESH_JOB} at {large} projects: {results[REFRESH_JOB, large]['cold']:.0f} ms")
    return lines


def measure_export(client, url: str) -> dict:
    """The export as a background job: the request's time (it only queues the job: the tasks go to a queue in memory
    that nobody reads), the job's time run as a worker runs it, and its peak of Python memory in a second run."""
    from jobs import services
    from jobs.models import Job

    started = time.perf_counter()
    response = client.get(url)
    request_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise SystemExit(f"GET {url} answered {response.status_code}, expected 302 to its job.")
    job = Job.objects.latest("pk")
    started = time.perf_counter()
    services.job_run(job_id=job.pk)
    job_s = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"The job of {url} failed: {job.error}")
    client.get(url)
    tracemalloc.start()
    services.job_run(job_id=Job.objects.latest("pk").pk)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    for made in Job.objects.all():  # the files are not kept
        made.file.delete(save=False)
        made.delete()
    return {"request": request_ms, "job": job_s, "peak": peak_mb, "rows": job.rows_total}


def check_exports(exports: dict[tuple[str, int], dict], sizes: list[int]) -> list[str]:
    """PASS/FAIL lines for the exports at the largest size: the request queues the job, the job writes the file."""
    large = max(sizes)
    lines = []
    for url in EXPORTS:
        row = exports[url, large]
        verdict = "PASS" if row["request"] < EXPORT_TARGET_MS else "FAIL"
        lines.append(f"{verdict}  {url} at {large} projects: request {row['request']:.0f} ms (< {EXPORT_TARGET_MS})")
        verdict = "PASS" if row["job"] < EXPORT_JOB_TARGET_S else "FAIL"
        lines.append(f"{verdict}  {url} at {large} projects: job {row['job']:.1f} s (< {EXPORT_JOB_TARGET_S} s)")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 10000], help="Portfolio sizes in projects.")
    parser.add_argument("--reuse", action="store_true", help="Keep a portfolio of the size already seeded.")
    parser.add_argument("--no-check", action="store_true", help="Report the targets but exit 0 when one fails.")
    args = parser.parse_args()

    set_up_django("bench.sqlite3")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from bench.synthetic import BENCH_USERNAME
    from config.celery import app

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EXPORT_JOB_THRESHOLD_ROWS = 0  # every export is a job, so that its memory is compared across sizes
    # As in production (Redis, a Celery worker): tasks go to a queue, here in memory, that no worker reads; after a
    # write the dashboard shows the figures last computed while a job computes the new ones (timed apart, below).
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    settings.FIGURES_REFRESH_IN_BACKGROUND = True
    print(f"machine: {machine()}")
    call_command("migrate", verbosity=0, interactive=False)

    DATA.mkdir(exist_ok=True)
    stored = DATA / f"dashboard-{connection.vendor}.json"
    kept = json.loads(stored.read_text()) if stored.is_file() else {}
    for size in args.sizes:
        seconds = seed(size, args.reuse)
        print(f"{size} projects: " + ("reused" if seconds is None else f"seeded in {seconds:.1f} s"))
        client = Client()
        client.force_login(User.objects.get(username=BENCH_USERNAME))
        pages = {url: measure(client, url) for url in PAGES}
        pages[REFRESH_JOB] = measure_refresh()
        exported = {url: measure_export(client, url) for url in EXPORTS}
        kept[str(size)] = {"machine": machine(), "pages": pages, "exports": exported}
        stored.write_text(json.dumps(kept, ensure_ascii=False, indent=1))

    # Every size measured so far on this kind of database, this run's and earlier runs' (another database each).
    sizes = sorted(int(size) for size in kept)
    results, exports, skipped = {}, {}, set()
    for size in sizes:
        print(f"{size:,} projects: {kept[str(size)]['machine']}")
        for url, measured in kept[str(size)]["pages"].items():
            if measured is None:
                skipped.add(url)
            else:
                results[url, size] = measured
        for url, row in kept[str(size)]["exports"].items():
            exports[url, size] = row

    print(f"\n{'page':<46}{'projects':>10}{'cold ms':>10}{'queries':>9}{'warm ms':>10}{'queries':>9}")
    order = [*PAGES, REFRESH_JOB]
    for (url, size), row in sorted(results.items(), key=lambda item: (order.index(item[0][0]), item[0][1])):
        print(
            f"{url:<46}{size:>10}{row['cold']:>10.1f}{row['cold_queries']:>9}{row['warm']:>10.1f}"
            f"{row['warm_queries']:>9}"
        )
    print(f"\n{'export (a background job)':<46}{'projects':>10}{'rows':>9}{'request ms':>12}{'job s':>8}{'peak MB':>9}")
    for (url, size), row in sorted(exports.items(), key=lambda item: (EXPORTS.index(item[0][0]), item[0][1])):
        print(f"{url:<46}{size:>10}{row['rows']:>9}{row['request']:>12.1f}{row['job']:>8.1f}{row['peak']:>9.1f}")
    for url in sorted(skipped):
        print(f"note: {url} answered 404 and was skipped.")
    print()
    lines = check_pages(results, sizes) + check_exports(exports, sizes)
    print("\n".join(lines))
    failed = any(line.startswith("FAIL") for line in lines)
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
