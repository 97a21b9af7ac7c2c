"""The heaviest queries of the main pages, with PostgreSQL's plans: what ``bench/RESULTS.md`` shows for issue 23.

    DATABASE_URL=postgres://…/bench_big .venv/bin/python bench/explain.py [--top 2] [--user bench-leader]

On a database already seeded (``python -m bench.seed --projects 100000``), as ``--user``: each page is asked once to
warm up, then once after a write (so that the dashboard computes its figures: here in the request, as the refresh job
does), its queries captured; the ``--top`` slowest of each are run again under ``EXPLAIN (ANALYZE, BUFFERS)`` and
printed as Markdown with their time and the plan's first lines (nodes, indexes used, rows).
"""

import argparse
import sys

from harness import machine, set_up_django

PAGES = ["/reports/dashboard/", "/projects/", "/projects/?ordering=-progress", "/api/v1/projects/", "/proposals/"]
PLAN_LINES = 40


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=2)
    parser.add_argument("--user", default="bench-leader")
    parser.add_argument("--pages", nargs="+", default=PAGES)
    args = parser.parse_args()

    set_up_django("bench.sqlite3")
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import User
    from projects.models import Project

    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN (ANALYZE, BUFFERS) is PostgreSQL's: set DATABASE_URL to a PostgreSQL database.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.FIGURES_REFRESH_IN_BACKGROUND = False
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    print(f"machine: {machine()}; {Project.objects.count():,} projects\n")
    for url in args.pages:
        client.get(url)
        Project.objects.filter(pk=Project.objects.order_by("pk").values("pk")[:1]).update(last_updated=timezone.now())
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        heaviest = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))[: args.top]
        print(f"## `{url}`: {len(captured)} queries, {sum(float(q['time']) for q in captured) * 1000:.0f} ms in all\n")
        for query in heaviest:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                plan = [row[0] for row in cursor.fetchall()]
            print(f"{float(query['time']) * 1000:.0f} ms: `{query['sql'][:160]}…`\n\n```")
            print(
                "\n".join(
                    plan[:PLAN_LINES] + ([f"… ({len(plan) - PLAN_LINES} more lines)"] if len(plan) > PLAN_LINES else [])
                )
            )
            print("```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
