"""Cached dashboard figures never outlive their data: every kind of write moves the data version (by trigger, so
bulk and raw writes count too), a repeated request is served from the cache, and the first one after a write shows
the write."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.models import Milestone, Plan, Project
from reports.versioning import current_version, watched_tables
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    UserFactory,
)

DASHBOARD = "/reports/dashboard/"


def triggers_on(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE 'data_version_%%'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                "AND name LIKE 'data_version_%%'",
                [table],
            )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_watched_table_has_its_triggers_and_users_table_none():
    tables = watched_tables()
    for expected in ("projects_project", "projects_milestone", "projects_progressreport", "projects_project_plans"):
        assert expected in tables
    assert "proposals_reply" in tables and "proposals_feedback" in tables
    assert not {"accounts_user", "projects_historicalproject", "proposals_event"} & set(tables)
    # One trigger for all three events on PostgreSQL, one per event on SQLite.
    per_table = 1 if connection.vendor == "postgresql" else 3
    assert {table: triggers_on(table) for table in tables} == dict.fromkeys(tables, per_table)
    assert triggers_on("accounts_user") == 0


def bulk_create_milestone(project):
    Milestone.objects.bulk_create([Milestone(project=project, name="批量", weight=5, planned_date="2026-09-30")])


def raw_delete_milestones(project):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_milestone WHERE project_id = %s", [project.pk])


WRITES = {
    "form save": lambda project: MilestoneFactory(project=project),
    "queryset update": lambda project: Project.objects.filter(pk=project.pk).update(name="改名"),
    "bulk create": bulk_create_milestone,
    "raw SQL delete": raw_delete_milestones,
    "many-to-many add": lambda project: project.plans.add(PlanFactory()),
    "progress report": lambda project: ProgressReportFactory(project=project),
    "proposal": lambda project: ProposalFactory(),
    "plan deleted": lambda project: Plan.objects.filter(pk=PlanFactory().pk).delete(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_moves_the_version(write):
    project = ProjectFactory()
    MilestoneFactory(project=project)
    before = current_version()
    WRITES[write](project)
    assert current_version() > before


@pytest.mark.django_db
def test_logins_do_not_move_the_version(client):
    user = UserFactory()
    before = current_version()
    client.force_login(user)
    assert current_version() == before


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_with_the_writers_commit():
    """On PostgreSQL the version moves at commit (the row is locked only then); a reader never sees it move before
    the data does."""
    ProjectFactory()
    before = current_version()
    with transaction.atomic():
        ProjectFactory()
        if connection.vendor == "postgresql":
            assert current_version() == before
    assert current_version() > before


@pytest.mark.django_db
def test_the_dashboard_is_served_from_the_cache_until_a_write(client, leader):
    ProjectFactory.create_batch(2)
    client.force_login(leader)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(DASHBOARD)
    assert first.context["headline"] == second.context["headline"]
    assert first.context["headline"]["projects"][0] == 2
    # Session, user, permissions, the filter bar's choices (regions among them), the version, the navigation's to-do
    # count and the notification bell: nothing that grows with the data.
    assert len(warm) <= 13 < len(cold)
    assert first.content.decode().count("data-plotly-figure") == second.content.decode().count("data-plotly-figure")

    # A write that no signal reports: the database's trigger still moves the version.
    existing = Project.objects.first()
    Project.objects.bulk_create([ProjectFactory.build(lead_org=existing.lead_org, domain=existing.domain)])
    third = client.get(DASHBOARD)
    assert third.context["headline"]["projects"][0] == 3


@pytest.mark.django_db
def test_the_scorecard_sort_is_applied_to_cached_figures(client, leader):
    few, many = OrganizationFactory(name="甲局"), OrganizationFactory(name="乙局")
    ProjectFactory(lead_org=few)
    ProjectFactory.create_batch(2, lead_org=many)
    client.force_login(leader)
    ascending = client.get(DASHBOARD, {"sort": "projects"}).context
    descending = client.get(DASHBOARD, {"sort": "-projects"}).context
    assert [row["name"] for row in ascending["scorecard"]] == [few.short_name, many.short_name]
    assert [row["name"] for row in descending["scorecard"]] == [many.short_name, few.short_name]
