"""Import benchmark: a 重大项目计划表 of 5,000 project rows through the projects resource, dry run then confirm.

    .venv/bin/python bench/imports.py [--rows 5000] [--all-new] [--no-check]

Runs on DATABASE_URL when the environment or .env sets it; otherwise on its own SQLite file
(bench/.data/imports.sqlite3), so that a developer's demo database is never touched. It seeds a synthetic portfolio
of half the rows with ``bench.seed --clear``, exports those projects with ``ProjectResource`` into an .xlsx laid out
as the office's table (title and note rows above the headers), changes every exported row (total investment; the
progress of every fifth, which files an approved report) and adds as many new projects without a code (each gets
the next free code); ``--all-new`` makes every row a new project. It then times, as the office reviewer account,
the dry run the preview page runs and the confirm that writes everything with its history. Target: both together
in under 30 seconds. Debug is on unless ``DJANGO_DEBUG`` says otherwise, as with ``make run``.
"""

import argparse
import io
import sys
import time

from harness import machine, set_up_django

TARGET_SECONDS = 30


def build_file(rows: int, change_existing: bool = True) -> tuple[bytes, int, int]:
    """The table: every seeded project changed (unless not ``change_existing``), then new projects up to ``rows``;
    returns the bytes and the counts of changed and new rows."""
    from decimal import Decimal

    from accounts.models import Organization
    from bench.synthetic import PROJECT_CODE_PREFIX
    from common.xlsx import Sheet, new_workbook
    from projects.models import Domain, Plan, Project
    from projects.resources import ProjectResource

    resource = ProjectResource()
    headers = resource.get_export_headers()
    position = {header: index for index, header in enumerate(headers)}
    workbook = new_workbook()
    sheet = Sheet(workbook, "重大项目计划表", resource.get_export_columns())
    sheet.heading(title="重大项目计划表（基准测试）", note="单位：万元")
    projects = resource.prepare_export_queryset(
        Project.objects.with_figures().filter(code__startswith=PROJECT_CODE_PREFIX).order_by("code")
    )
    changed = 0
    exported = zip(projects, resource.export_rows(projects), strict=True) if change_existing else []
    for number, (project, values) in enumerate(exported, start=1):
        values[position["总投资（万元）"]] = float(project.total_investment + Decimal("1.50"))
        current = float(values[position["当前进度（%）"]] or 0)
        if number % 5 == 0 and current < 95:  # finished projects stand at 100%
            values[position["当前进度（%）"]] = current + 5
        sheet.row(values)
        changed += 1
    domains = list(Domain.objects.values_list("name", flat=True)[:10])
    units = list(
        Organization.objects.filter(led_projects__code__startswith=PROJECT_CODE_PREFIX)
        .distinct()
        .values_list("name", flat=True)[:20]
    )
    plan = Plan.objects.filter(projects__code__startswith=PROJECT_CODE_PREFIX).distinct().first()
    added = max(0, rows - changed)
    for number in range(added):
        values = [None] * len(headers)
        values[position["领域"]] = domains[number % len(domains)]
        values[position["项目名称"]] = f"基准新增项目{number + 1:05d}"
        values[position["建设内容"]] = "建设内容说明。"
        values[position["牵头单位"]] = units[number % len(units)]
        values[position["层级"]] = "重点推进工程"
        values[position["总投资（万元）"]] = 100 + number % 900
        values[position["起止年限"]] = "2026—2027"
        values[position["所属规划"]] = plan.title if plan else None
        sheet.row(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), changed, added


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000, help="Rows in the file (half changed, half new).")
    parser.add_argument(
        "--all-new",
        action="store_true",
        help="Every row a new project (the portfolio is seeded with 100 projects for the reference data).",
    )
    parser.add_argument("--no-check", action="store_true", help="Report the target but exit 0 when it fails.")
    args = parser.parse_args()

    set_up_django("imports.sqlite3")
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.utils import timezone

    from accounts.models import User
    from bench.seed import SeedCommand
    from bench.synthetic import PROJECT_CODE_PREFIX, REVIEWER_USERNAME
    from projects.models import ProgressReport, Project
    from reports.imports import run_import

    print(f"machine: {machine()}")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    seeded = 100 if args.all_new else args.rows // 2
    call_command(SeedCommand(), projects=seeded, clear=True, stdout=io.StringIO())
    # Projects a previous run imported carry no synthetic code prefix of their own: remove them too.
    Project.objects.filter(name__startswith="基准新增项目").delete()
    print(f"seeded {seeded} projects in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    data, changed, added = build_file(args.rows, change_existing=not args.all_new)
    print(
        f"built the file ({changed} changed rows, {added} new rows, {len(data) / 1024:.0f} KB) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    user = User.objects.get(username=REVIEWER_USERNAME)
    started_at = timezone.now()

    timings = {}
    for label, dry_run in (("dry run", True), ("confirm", False)):
        reset_queries()
        started = time.perf_counter()
        outcome = run_import(key="projects", user=user, data=data, dry_run=dry_run)
        timings[label] = time.perf_counter() - started
        print(
            f"{label:<8} {timings[label]:6.1f} s  created {outcome.created}, updated {outcome.updated}, skipped "
            f"{outcome.skipped}, errors {len(outcome.errors)}"
            + (f" (queries: {len(connection.queries)})" if connection.queries else "")
        )
        if outcome.errors:
            for error in outcome.errors[:10]:
                print(f"  row {error.row} {error.field}: {error.message}")
            return 1
    created = Project.objects.filter(name__startswith="基准新增项目").count()
    reports = ProgressReport.objects.filter(reviewed_at__gte=started_at, reviewer=user).count()
    synthetic = Project.objects.filter(code__startswith=PROJECT_CODE_PREFIX).count()
    print(f"written: {created} new projects, {reports} approved progress reports; {synthetic} synthetic codes")

    total = sum(timings.values())
    verdict = "PASS" if total < TARGET_SECONDS else "FAIL"
    print(f"{verdict}  dry run + confirm of {args.rows} rows: {total:.1f} s (target < {TARGET_SECONDS} s)")
    return 1 if verdict == "FAIL" and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
