"""Province-scale benchmark: the lists, the API and the dashboard for a district, a city and the province's superuser.

    .venv/bin/python bench/regions.py [--sizes 100 100000] [--reuse] [--no-check]

For each size, ``bench.seed --regions --clear`` (a province of 11 cities and 90 districts; ``--reuse`` keeps a
regional portfolio of that size already there, as seeding 100,000 projects takes many minutes), then ``ANALYZE`` on
PostgreSQL. Three accounts: the office of a district (of city 990100, the one of its districts with the most
projects), the office of its city, and the superuser ``bench-admin``. Each asks ``/projects/``, ``/api/v1/projects/``
and ``/reports/dashboard/`` once to warm up, then five times right after a write to a project of a district of
another city ("elsewhere"), five times right after a write to a project of the district's own ("own district"), and
five times with no write between ("warm"). A write moves the data versions of its region and those above it
(``reports.versioning``): figures cached for the other regions stay valid. The table gives the median server time (no
network) and the queries of one request.

Each run keeps its figures per size in ``bench/.data/regions-<vendor>.json``, so that sizes seeded into different
databases of one kind can be measured in separate runs and still be compared. The targets: at the largest size, the
district's and the city's project list and API answer within three times their time at the smallest, with as many
queries; the warm dashboard answers in under 500 ms for every account. The dashboard right after a write is printed
as notes.
"""

import argparse
import datetime
import json
import statistics
import sys
import time

from harness import DATA, machine, set_up_django

PAGES = ["/projects/", "/api/v1/projects/", "/reports/dashboard/"]
LISTS = PAGES[:2]
DASHBOARD = PAGES[2]
STATES = ["elsewhere", "own district", "warm"]
STATE_LABELS = {"elsewhere": "after a write elsewhere", "own district": "after a write in the own district"}
TIMED_REQUESTS = 5
TARGET_MS = 500
TARGET_RATIO = 3
CITY, OTHER_CITY = "990100", "990200"


def seed(size: int, reuse: bool) -> float | None:
    """Seconds to seed ``size`` projects in the regions; None when ``reuse`` found them there."""
    from django.core.management import call_command
    from django.db import connection

    from bench.seed import SeedCommand
    from projects.models import Project

    synthetic = Project.objects.filter(code__startswith="SC-")
    if reuse and synthetic.count() == size and not synthetic.filter(region__isnull=True).exists():
        return None
    started = time.perf_counter()
    call_command(SeedCommand(), projects=size, regions=True, clear=True, stdout=sys.stdout)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


def busiest_district(city_code: str):
    """The district of the city with the most projects (at 100 projects, some districts have none)."""
    from django.db.models import Count

    from accounts.models import Region

    return (
        Region.objects.filter(parent__code=city_code)
        .annotate(project_count=Count("projects"))
        .order_by("-project_count", "code")
        .first()
    )


def write_in(region) -> None:
    """A write such as any edit makes, to a project of ``region``: it moves the versions of the region and above."""
    from django.utils import timezone

    from projects.models import Project

    first = Project.objects.filter(region=region).order_by("pk").values("pk")[:1]
    Project.objects.filter(pk=first).update(last_updated=timezone.now())


def measure(client, url: str, writes: dict) -> dict:
    """Median milliseconds and queries of one request in each state (``STATES``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def timed(write) -> tuple[float, int]:
        timings, queries = [], 0
        for _ in range(TIMED_REQUESTS):
            if write:
                write()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
            response.close()
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}, expected 200.")
            queries = len(captured)
        return round(statistics.median(timings) * 1000, 1), queries

    client.get(url).close()
    return {state: timed(writes.get(state)) for state in STATES}


def measure_size(size: int) -> dict:
    from django.test import Client

    from accounts.models import User
    from bench.synthetic import OFFICE_USERNAME_PREFIX, SUPERUSER_USERNAME
    from projects.models import Project

    district, elsewhere = busiest_district(CITY), busiest_district(OTHER_CITY)
    writes = {"elsewhere": lambda: write_in(elsewhere), "own district": lambda: write_in(district)}
    accounts = {
        f"district ({district.name}, {district.code})": f"{OFFICE_USERNAME_PREFIX}{district.code}",
        f"city ({district.parent.name}, {CITY})": f"{OFFICE_USERNAME_PREFIX}{CITY}",
        "province (superuser)": SUPERUSER_USERNAME,
    }
    rows = []
    for label, username in accounts.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        in_scope = user.scope(Project.objects.all()).count()
        for url in PAGES:
            rows.append({"account": label, "projects in scope": in_scope, "page": url, **measure(client, url, writes)})
    return {"measured": datetime.datetime.now().isoformat(timespec="minutes"), "machine": machine(), "rows": rows}


def cell(figures: list) -> str:
    ms, queries = figures
    return f"{ms:,.0f} ms ({queries} q)"


def table(results: dict) -> list[str]:
    lines = [
        "| account | page | projects (in scope) | after a write elsewhere | after a write in the own district | warm |",
        "|---|---|---|---|---|---|",
    ]
    order = {page: index for index, page in enumerate(PAGES)}
    rows = [(int(size), row) for size, result in results.items() for row in result["rows"]]
    for size, row in sorted(rows, key=lambda item: (item[1]["account"][:4], order[item[1]["page"]], item[0])):
        lines.append(
            f"| {row['account']} | `{row['page']}` | {size:,} ({row['projects in scope']:,}) | "
            + " | ".join(cell(row[state]) for state in STATES)
            + " |"
        )
    return lines


def checks(results: dict) -> list[str]:
    sizes = sorted(int(size) for size in results)
    small, large = sizes[0], sizes[-1]

    def rows(size):
        return {(row["account"].split(" (")[0], row["page"]): row for row in results[str(size)]["rows"]}

    lines = []
    for (account, page), row in rows(large).items():
        warm_ms, warm_queries = row["warm"]
        if page == DASHBOARD:
            verdict = "PASS" if warm_ms < TARGET_MS else "FAIL"
            lines.append(
                f"{verdict}  {account}: warm dashboard at {large:,} projects {warm_ms:,.0f} ms (< {TARGET_MS})"
            )
            for state in STATES[:2]:
                lines.append(f"note  {account}: dashboard {STATE_LABELS[state]}: {cell(row[state])}")
        elif account != "province" and large != small:
            small_ms, small_queries = rows(small)[account, page]["warm"]
            ratio = warm_ms / small_ms
            verdict = "PASS" if ratio <= TARGET_RATIO and warm_queries == small_queries else "FAIL"
            lines.append(
                f"{verdict}  {account}: {page} at {large:,} / at {small:,} projects: {warm_ms:,.0f} / {small_ms:,.0f} "
                f"ms = {ratio:.2f} (<= {TARGET_RATIO}), queries {warm_queries} / {small_queries} (equal)"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100000], help="Portfolio sizes in projects.")
    parser.add_argument("--reuse", action="store_true", help="Keep a regional portfolio of the size already seeded.")
    parser.add_argument("--no-check", action="store_true", help="Report the targets but exit 0 when one fails.")
    args = parser.parse_args()

    set_up_django("regions.sqlite3")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"machine: {machine()}")
    call_command("migrate", verbosity=0, interactive=False)
    stored = DATA / f"regions-{connection.vendor}.json"
    results = json.loads(stored.read_text()) if stored.is_file() else {}
    for size in sorted(args.sizes):
        seconds = seed(size, args.reuse)
        print(f"{size} projects: " + ("reused" if seconds is None else f"seeded in {seconds:.1f} s"))
        results[str(size)] = measure_size(size)
        if seconds is not None:
            results[str(size)]["seeded in s"] = round(seconds, 1)
        stored.write_text(json.dumps(results, ensure_ascii=False, indent=1))

    print()
    for size, result in sorted(results.items(), key=lambda item: int(item[0])):
        print(f"{int(size):,} projects: measured {result['measured']}, {result['machine']}")
    print("\n" + "\n".join(table(results)) + "\n")
    lines = checks(results)
    print("\n".join(lines))
    failed = any(line.startswith("FAIL") for line in lines)
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
