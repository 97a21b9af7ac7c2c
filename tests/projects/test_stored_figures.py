"""The stored figures (``ProjectFigures``, ``projects.figures``) are ``with_figures()``'s on every project: over the
demo and a seeded portfolio, after random edits through every path that writes what they are computed from
(services, form posts, the API, the admin, an import, plain saves and deletes), and on a day when only the calendar
has moved, once the daily refresh has run."""

import datetime
import io
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from projects import services
from projects.choices import ProjectStatus, ReportStatus
from projects.models import Milestone, ProgressReport, Project, ProjectFigures, period_of
from projects.querysets import FIGURE_NAMES
from reports.imports import run_import
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
)
from tests.formdata import project_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

SEED = 20261207


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module inside a transaction rolled back after its last test; each test
    runs in a savepoint inside it, so what a test writes is undone too."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        connection.queries_log.clear()
        yield
        transaction.set_rollback(True)


def assert_stored_equal_computed(today: datetime.date | None = None):
    """Every project has its row, taken ``today``, holding exactly what ``with_figures(today)`` computes; and the
    readers' ``with_stored_figures`` returns the same."""
    today = today or timezone.localdate()
    computed = {row[0]: row[1:] for row in Project.all_objects.with_figures(today).values_list("pk", *FIGURE_NAMES)}
    stored = {
        row[0]: row[1:] for row in ProjectFigures.objects.filter(as_of=today).values_list("project_id", *FIGURE_NAMES)
    }
    read = {row[0]: row[1:] for row in Project.all_objects.with_stored_figures(today).values_list("pk", *FIGURE_NAMES)}
    assert computed, "no project to compare"
    assert stored == computed
    assert read == computed
    assert ProjectFigures.objects.count() == len(computed)


def seed_portfolio(rng: random.Random, unit, count: int = 30) -> list[Project]:
    """``count`` projects of ``unit`` around today: random statuses, spans, milestones (done, due, late) and reports
    (approved, submitted, returned, of past and current months), a few as phases of another."""
    today = timezone.localdate()
    projects = []
    for n in range(count):
        start = today - datetime.timedelta(days=rng.randint(0, 600))
        project = ProjectFactory(
            lead_org=unit,
            code=f"SEED-{n:03d}",
            status=rng.choice(ProjectStatus.values),
            planned_start=start,
            planned_end=start + datetime.timedelta(days=rng.randint(30, 900)),
            parent=rng.choice(projects) if projects and rng.random() < 0.15 else None,
        )
        count = rng.randint(0, 4)
        cuts = [0, *sorted(rng.sample(range(1, 100), max(count - 1, 0))), 100]  # weights adding up to 100
        for m in range(count):
            planned = start + datetime.timedelta(days=rng.randint(0, 500))
            done = planned + datetime.timedelta(days=rng.randint(-20, 40))
            MilestoneFactory(
                project=project,
                name=f"节点{m}",
                weight=cuts[m + 1] - cuts[m],
                planned_date=planned,
                actual_date=done if done <= today and rng.random() < 0.5 else None,
            )
        months = rng.sample(range(6), rng.randint(0, 3))
        for back in months:
            status = rng.choice(ReportStatus.values)
            ProgressReportFactory(
                project=project,
                period=period_of(today.replace(day=1) - datetime.timedelta(days=28 * back)),
                progress=Decimal(rng.randint(0, 100)),
                status=status,
                review_comment="请补充说明。" if status == ReportStatus.RETURNED else "",
            )
        projects.append(project)
    return projects


@pytest.fixture
def office():
    """An office and a unit of their own: the demo's units have regions, these work with the rows of none."""
    unit = OrganizationFactory(name="测试建设单位")
    return SimpleNamespace(
        unit=unit,
        liaison=UserFactory(organization=unit, role=Role.LIAISON),
        staff=UserFactory(organization=OrganizationFactory(name="测试智慧办"), role=Role.OFFICE),
        superuser=UserFactory(is_staff=True, is_superuser=True),
    )


def test_the_demo_as_loaded(demo):
    assert_stored_equal_computed()


def test_random_edits_through_every_path(demo, client, api, office):
    rng = random.Random(SEED)
    today = timezone.localdate()
    projects = seed_portfolio(rng, office.unit)
    assert_stored_equal_computed()
    milestones = list(Milestone.objects.filter(project__in=projects).order_by("pk"))
    submitted = list(ProgressReport.objects.filter(project__in=projects, status=ReportStatus.SUBMITTED))
    demo_project = rng.choice(list(Project.objects.exclude(pk__in=[p.pk for p in projects]).order_by("pk")))

    # Services: the office approves and returns reports, one by one and ticked together; saves a project's plan.
    services.progress_report_approve(actor=office.staff, report=submitted[0])
    services.progress_reports_approve(actor=office.staff, reports=submitted[1:3])
    services.progress_report_return(actor=office.staff, report=submitted[3], comment="数据有误，请核实。")
    for project in rng.sample(projects, 4):
        services.project_save(
            actor=office.staff,
            project=project,
            data={
                # Acceptance needs the acceptance report in the project's file: the office's other moves.
                "status": rng.choice([s for s in ProjectStatus.values if s != ProjectStatus.ACCEPTED]),
                "planned_end": project.planned_end + datetime.timedelta(days=90),
            },
        )
    services.project_save(actor=office.superuser, project=demo_project, data={"status": ProjectStatus.COMPLETED})
    assert_stored_equal_computed()

    # The office's edit form, with its milestones' inline rows: an actual date set.
    client.force_login(office.staff)
    edited = rng.choice([p for p in projects if p.milestones.exists()])
    response = client.post(
        f"/projects/{edited.pk}/edit/",
        project_post(Project.objects.get(pk=edited.pk), **{"milestones-0-actual_date": today.isoformat()}),
    )
    assert response.status_code == 302, [f.non_form_errors() for f in response.context["formsets"].values()]

    # A unit's plan change, waiting for the office, then confirmed: the milestone's planned date moves.
    planned = rng.choice([m for m in milestones if m.project_id != edited.pk and m.actual_date is None])
    client.force_login(office.liaison)
    project = Project.objects.get(pk=planned.project_id)
    data = project_post(project, change_reason="征地延误")
    row = next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(planned.pk))
    data[f"{row}-planned_date"] = (today + datetime.timedelta(days=200)).isoformat()
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    client.force_login(office.staff)
    request = project.change_requests.get(status="pending")
    assert client.post(f"/projects/requests/{request.pk}/confirm/").status_code == 302
    assert_stored_equal_computed()

    # The API: a milestone reached, one deleted, a report filed.
    api.as_user(office.staff)
    reached, deleted = rng.sample([m for m in milestones if m.pk != planned.pk], 2)
    response = api.patch(f"/api/v1/milestones/{reached.pk}/", {"actual_date": today.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    assert api.delete(f"/api/v1/milestones/{deleted.pk}/").status_code == 204
    unreported = next(p for p in projects if not p.progress_reports.filter(period=period_of(today)).exists())
    response = api.post(
        "/api/v1/progress-reports/",
        {"project": unreported.pk, "period": period_of(today), "progress": 77, "summary": "完成联调。"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert_stored_equal_computed()

    # The admin: a milestone deleted, a project deleted with its milestones and reports.
    client.force_login(office.superuser)
    gone = rng.choice(list(Milestone.objects.filter(project__in=projects).order_by("pk")))
    assert client.post(f"/admin/projects/milestone/{gone.pk}/delete/", {"post": "yes"}).status_code == 302
    leaf = next(p for p in reversed(projects) if not p.children.exists() and p.milestones.exists())
    assert client.post(f"/admin/projects/project/{leaf.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ProjectFigures.objects.filter(project_id=leaf.pk).exists()
    assert_stored_equal_computed()

    # An import: a new milestone, late already, for a project that had none late.
    target = next(p for p in projects if p.pk != leaf.pk)
    late = (today - datetime.timedelta(days=45)).isoformat()
    csv = f"项目编号,节点名称,权重,计划完成日期\n{target.code},导入节点,50,{late}\n"
    outcome = run_import(key="milestones", user=office.staff, data=csv.encode(), dry_run=False)
    assert outcome.errors == [] and outcome.created == 1

    # Plain saves and deletes, as a management command or the shell would; a milestone moved to another project.
    for milestone in rng.sample(list(Milestone.objects.filter(project__in=projects).order_by("pk")), 5):
        milestone.weight = rng.randint(1, 100)
        milestone.save()
    rng.choice(list(ProgressReport.objects.filter(project__in=projects).order_by("pk"))).delete()
    moved = rng.choice(list(Milestone.objects.filter(project__in=projects).order_by("pk")))
    moved.project = next(p for p in projects if p.pk not in (moved.project_id, leaf.pk))
    moved.name = "迁入的节点"  # names are unique within a project
    moved.save()
    assert_stored_equal_computed()


def test_a_day_when_only_the_calendar_moves(demo, office, set_today):
    """Planned progress and lateness move with the date: yesterday's rows are not read (the readers compute), and the
    daily refresh stores the new day's figures; into a new month, a report of that month starts to count."""
    projects = seed_portfolio(random.Random(SEED + 1), office.unit)
    today = timezone.localdate()
    next_month = period_of(today.replace(day=1) + datetime.timedelta(days=40))
    ProgressReportFactory(project=projects[0], period=next_month, progress=Decimal("88"), status=ReportStatus.APPROVED)
    assert_stored_equal_computed()
    for later in (today + datetime.timedelta(days=1), (today.replace(day=1) + datetime.timedelta(days=40))):
        set_today(later)
        computed = list(Project.all_objects.with_figures().order_by("pk").values_list("pk", *FIGURE_NAMES))
        assert (
            list(Project.all_objects.with_stored_figures().order_by("pk").values_list("pk", *FIGURE_NAMES)) == computed
        )
        call_command("refresh_project_figures", verbosity=0)
        assert_stored_equal_computed(later)
