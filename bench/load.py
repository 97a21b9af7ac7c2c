"""Load test: concurrent users against gunicorn on PostgreSQL, on the demo data plus a synthetic portfolio.

    .venv/bin/pip install -e ".[bench]"            # locust, once
    .venv/bin/python bench/load.py [--users 20] [--seconds 60] [--projects 10000] [--workers 5] [--reuse]
        [--rate 8] [--exporters 1] [--broker-url redis://127.0.0.1:6379/5] [--cache-url redis://127.0.0.1:6379/4]

Prepares the database named by ``--database-url`` (default ``BENCH_LOAD_DATABASE_URL`` or
postgres://postgres@127.0.0.1:5432/bench_load; created when missing, never the app's own ``DATABASE_URL``): migrate,
``load_demo`` (with its accounts), ``bench.seed --projects N --clear`` (skipped with ``--reuse`` when the portfolio is
there), ``ANALYZE``, and ``collectstatic`` into ``staticfiles/``. Then it serves the app with gunicorn as production
does (debug off, a throwaway secret key, WhiteNoise serving the static files) except that it is plain HTTP on
127.0.0.1, so the HTTPS switches are turned off through their environment variables, and runs ``bench/locustfile.py``
headless: leaders and office staff browsing the dashboard, the lists and project pages, API clients reading with a
token, and liaisons revising this month's progress report through the reporting page (``--liaisons``, each its own
project), each user waiting ``--wait`` seconds between requests, or, with ``--rate``, all users together offering
that many tasks a second (locust's constant throughput: the offered load does not depend on how fast the same cores
run locust); ``--exporters`` office users export a domain's projects, a background job run by one Celery worker
(``--broker-url``), poll it and download the file. It prints the machine, and per kind of request the
requests per second, median and 95th percentile latency and errors; writes them to ``bench/.data/load.json``; and exits
1 when any request failed.
"""

import argparse
import collections
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

from harness import DATA, ROOT, set_up_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
# Projects the users visit (project pages, API details), drawn at random from the portfolio.
VISITED_PROJECTS = 2000
# Issue 23's target for the whole mix, at its offered load.
P95_TARGET_MS = 1000
KINDS = {
    "dashboard": lambda name: name == "dashboard",
    "lists": lambda name: name.startswith("list "),
    "project pages": lambda name: name == "project page",
    "API reads": lambda name: name.startswith("api "),
    "progress reports": lambda name: name.startswith("progress report"),
    "exports (jobs)": lambda name: name.startswith("export "),
}


def default_workers() -> int:
    """Gunicorn's rule of thumb for sync workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"The load test runs on PostgreSQL; {url} is not a PostgreSQL address.")
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None}
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"created database {config['NAME']}")


def prepare(projects: int, reuse: bool) -> dict:
    """Migrate, load the demo and the synthetic portfolio, refresh the planner's statistics; return what the users
    need (projects to visit, how many reports the liaison can revise) and the database's description."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from bench.seed import SeedCommand
    from bench.synthetic import BENCH_USERNAME, PROJECT_CODE_PREFIX, REVIEWER_USERNAME
    from projects.choices import ReportStatus
    from projects.models import Project
    from projects.selectors import current_period, reporting_projects

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    seeded = Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX).count()
    if reuse and seeded == projects:
        print(f"reusing the {seeded} synthetic projects already there")
    else:
        call_command(SeedCommand(), projects=projects, clear=True, verbosity=0)
    call_command("axes_reset", verbosity=0)
    # The readers of the synthetic portfolio (it has no region, so the demo's accounts of 宁波市 do not see it) log in
    # with the demo's password.
    for reader in User.objects.filter(username__in=[BENCH_USERNAME, REVIEWER_USERNAME]):
        reader.set_password("demo-2026")
        reader.save(update_fields=["password"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"database ready in {time.perf_counter() - started:.0f} s")

    liaison = User.objects.get(username="liaison")
    revisable = [
        project
        for project in reporting_projects(liaison.organization, current_period())
        if not project.period_reports or project.period_reports[0].status != ReportStatus.APPROVED
    ]
    synthetic = Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX)
    visited = list(synthetic.order_by("?").values_list("pk", flat=True)[:VISITED_PROJECTS])
    domains = sorted(set(synthetic.exclude(domain=None).values_list("domain", flat=True).distinct()))
    database_version = ".".join(str(part) for part in connection.get_database_version())
    return {
        "projects": Project.objects.count(),
        "visited": visited,
        "domains": domains,
        "revisable_reports": len(revisable),
        "database": f"PostgreSQL {database_version}",
    }


def machine_facts() -> dict:
    cpuinfo = {}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        key, _, value = line.partition(":")
        cpuinfo.setdefault(key.strip(), value.strip())
    cpu = cpuinfo.get("model name") or platform.processor()
    if cpuinfo.get("cpu family"):
        cpu += f" (family {cpuinfo['cpu family']} model {cpuinfo.get('model')}, {cpuinfo.get('cpu MHz')} MHz)"
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        # How busy the machine was before the run: other work takes the same cores.
        "load_average": [round(value, 1) for value in os.getloadavg()],
    }


def server_environment(database_url: str) -> dict:
    """Production settings, but plain HTTP on the loopback: the HTTPS switches off through their variables."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {process.returncode}); see its log.")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s.")


def summarise(samples: list, seconds: float) -> list[dict]:
    """Per request name, per kind and in total (logins apart: each user logs in once, at the start): requests per
    second over the run, median and 95th percentile latency, errors."""

    def row(label: str, chosen: list) -> dict:
        times = sorted(sample[2] for sample in chosen)
        return {
            "kind": label,
            "requests": len(chosen),
            "rps": len(chosen) / seconds,
            "median_ms": statistics.median(times) if times else 0.0,
            "p95_ms": statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else sum(times),
            "errors": sum(1 for sample in chosen if sample[3]),
        }

    names = sorted({sample[1] for sample in samples})
    rows = [row(f"  {name}", [s for s in samples if s[1] == name]) for name in names if name != "login"]
    rows += [row(kind, [s for s in samples if match(s[1])]) for kind, match in KINDS.items()]
    rows.append(row("total (without logins)", [s for s in samples if s[1] != "login"]))
    rows.append(row("logins", [s for s in samples if s[1] == "login"]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60, help="Measured, after the warm-up.")
    parser.add_argument(
        "--warm-up", type=int, default=10, help="Seconds run first and not measured: the logins, the first requests."
    )
    parser.add_argument("--projects", type=int, default=10000, help="Synthetic projects besides the demo's.")
    parser.add_argument("--workers", type=int, default=default_workers(), help="Gunicorn sync workers.")
    parser.add_argument("--liaisons", type=int, default=2, help="Users filing progress reports, among --users.")
    parser.add_argument("--wait", type=float, nargs=2, default=[1.0, 3.0], help="Each user's pause, min and max s.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--reuse", action="store_true", help="Keep the synthetic portfolio when it has N projects.")
    parser.add_argument("--cache-url", help="CACHE_URL for the server (default: per worker, as shipped).")
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="Tasks a second, all users together (0: each pauses --wait).",
    )
    parser.add_argument("--exporters", type=int, default=0, help="Users exporting a domain's projects as a job.")
    parser.add_argument(
        "--broker-url",
        help="CELERY_BROKER_URL: one Celery worker (solo pool) runs the jobs; without it jobs run in the request.",
    )
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_DEBUG"] = "1"  # load_demo creates the demo accounts only with debug on
    set_up_django("unused.sqlite3")
    facts = {**machine_facts(), **prepare(args.projects, args.reuse)}
    if facts["revisable_reports"] < args.liaisons:
        raise SystemExit(f"The liaison can revise {facts['revisable_reports']} reports; ask for fewer --liaisons.")

    environment = server_environment(args.database_url)
    if args.cache_url:
        environment["CACHE_URL"] = args.cache_url
    if args.broker_url:
        environment["CELERY_BROKER_URL"] = args.broker_url
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=environment, check=True
    )
    DATA.mkdir(exist_ok=True)
    projects_file, samples_file = DATA / "load-projects.json", DATA / "load-samples.json"
    projects_file.write_text(json.dumps(facts.pop("visited")))
    domains = facts.pop("domains")
    samples_file.unlink(missing_ok=True)
    gunicorn = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--worker-class", "sync",
    ]  # fmt: skip
    facts["server"] = (
        f"gunicorn {version('gunicorn')}, {args.workers} sync workers, PostgreSQL on the same machine, "
        f"cache {args.cache_url or 'per worker (locmem)'}, "
        + (f"one Celery worker (solo pool) on {args.broker_url}" if args.broker_url else "jobs run in the request")
    )
    print(
        f"machine: {facts['cores']} cores ({facts['cpu']}), {facts['memory_gb']} GB RAM, {facts['os']}, "
        f"Python {facts['python']}, {facts['database']}, load average {facts['load_average']}\n"
        f"server: {facts['server']}\n"
        f"data: {facts['projects']} projects (demo + synthetic); {args.users} users ({args.liaisons} liaisons) for "
        f"{args.seconds} s, "
        + (
            f"offering {args.rate:g} tasks a second together (locust's constant throughput)"
            if args.rate
            else f"each pausing {args.wait[0]:g}–{args.wait[1]:g} s between requests"
        )
        + (f"; {args.exporters} exporting a domain's projects as a job" if args.exporters else "")
    )
    host = f"http://127.0.0.1:{args.port}"
    celery = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
        "--without-gossip", "--without-mingle", "--loglevel=WARNING",
    ]  # fmt: skip
    with open(DATA / "load-gunicorn.log", "w") as log, open(DATA / "load-celery.log", "w") as worker_log:
        server = subprocess.Popen(gunicorn, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        worker = (
            subprocess.Popen(celery, cwd=ROOT, env=environment, stdout=worker_log, stderr=subprocess.STDOUT)
            if args.broker_url
            else None
        )
        try:
            wait_until_up(f"{host}/accounts/login/", server)
            # Each worker's first requests load the URLs, templates and translations: not what is measured.
            for _ in range(4 * args.workers):
                urllib.request.urlopen(f"{host}/accounts/login/", timeout=30).close()
            locust = [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
                "--users", str(args.users), "--spawn-rate", str(args.users),
                "--run-time", f"{args.seconds + args.warm_up}s",
                "--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING",
            ]  # fmt: skip
            locust_environment = {
                **os.environ,
                "BENCH_LOAD_PROJECTS": str(projects_file),
                "BENCH_LOAD_SAMPLES": str(samples_file),
                "BENCH_LOAD_WAIT": f"{args.wait[0]} {args.wait[1]}",
                "BENCH_LOAD_LIAISONS": str(args.liaisons),
                "BENCH_LOAD_RATE": str(args.rate),
                "BENCH_LOAD_USERS": str(args.users),
                "BENCH_LOAD_EXPORTERS": str(args.exporters),
                "BENCH_LOAD_DOMAINS": json.dumps(domains),
            }
            run = subprocess.run(locust, cwd=ROOT, env=locust_environment, capture_output=True, text=True)
        finally:
            for process in filter(None, [server, worker]):
                process.terminate()
                process.wait(timeout=30)
    if not samples_file.exists():
        print(run.stdout, run.stderr, sep="\n")
        raise SystemExit("locust wrote no samples.")
    every_sample = json.loads(samples_file.read_text())
    # The first --warm-up seconds (every user logging in at once, each worker's first requests) are not measured.
    started = min(sample[0] for sample in every_sample)
    samples = [sample for sample in every_sample if sample[0] >= started + args.warm_up]
    warm_up = summarise([sample for sample in every_sample if sample[0] < started + args.warm_up], args.warm_up or 1)
    rows = summarise(samples, args.seconds)
    exceptions = run.stderr.count("Traceback")

    print(f"\n{'requests':<36}{'count':>7}{'req/s':>8}{'median ms':>11}{'p95 ms':>9}{'errors':>8}")
    for row in rows:
        print(
            f"{row['kind']:<36}{row['requests']:>7}{row['rps']:>8.1f}{row['median_ms']:>11.0f}{row['p95_ms']:>9.0f}"
            f"{row['errors']:>8}"
        )
    for row in warm_up[-2:]:
        print(
            f"{'warm-up ' + row['kind']:<36}{row['requests']:>7}{row['rps']:>8.1f}{row['median_ms']:>11.0f}"
            f"{row['p95_ms']:>9.0f}{row['errors']:>8}   (the first {args.warm_up} s, not measured)"
        )
    counted = ("total (without logins)", "logins")
    errors = sum(row["errors"] for row in rows + warm_up if row["kind"] in counted) + exceptions
    print(f"\nerrors: {errors} (failed requests, warm-up included, and exceptions in the users; must be 0)")
    total = next(row for row in rows if row["kind"] == "total (without logins)")
    verdict = "PASS" if total["p95_ms"] < P95_TARGET_MS else "FAIL"
    print(f"{verdict}  95th percentile {total['p95_ms']:.0f} ms (< {P95_TARGET_MS})")
    if args.rate:
        verdict = "PASS" if total["rps"] >= 0.95 * args.rate else "FAIL"
        print(f"{verdict}  served {total['rps']:.1f} requests/s of the {args.rate:g} tasks/s offered")
    failures = collections.Counter(f"{name}: {failure}" for _, name, _, failure in every_sample if failure)
    for failure, count in failures.most_common(10):
        print(f"  {count} × {failure}")
    if exceptions:
        print(run.stderr[-3000:])
    results = {"facts": facts, "arguments": vars(args), "rows": rows, "warm_up": warm_up, "errors": errors}
    (DATA / "load.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
