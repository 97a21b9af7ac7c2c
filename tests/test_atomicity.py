"""Every write path is all or nothing: a failure halfway through a request leaves nothing of it behind.

The failure is forced in the database itself, by a trigger that makes an INSERT (or UPDATE) on a chosen table fail,
for a marked row or once some rows have been written (``ForcedFailures``). Each test lets a page, an API call, an
import or a workflow move write some rows first, then hit that trigger, and checks that every table of the apps
(their history and many-to-many tables, the proposals' events and the data version included) is exactly as it was
and that the user got an error. Then it removes the trigger and sends the same request again, which must write
those tables: so the failure did come after real writes, not before the first one.
"""

import contextlib
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from projects.choices import ProjectStatus, ReportStatus
from projects.models import (
    Funding,
    HistoricalIndicatorValue,
    HistoricalMilestone,
    HistoricalPlan,
    HistoricalProgressReport,
    Milestone,
    ProgressReport,
    Project,
    ProjectChangeRequest,
)
from projects.selectors import current_period
from proposals.choices import ProposalMove, ProposalStatus, Satisfaction
from proposals.models import Category, Event, Proposal, Reply, ResultClass

from .factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
)
from .projects.test_views import project_form_data as new_project_form_data
from .proposals.course import Course

pytestmark = pytest.mark.django_db

APPS = ("projects", "proposals", "reports")
FAILURE = "forced failure"


# --------------------------------------------------------------------------------------------------------------
# The forced failure, and what "nothing left behind" means
# --------------------------------------------------------------------------------------------------------------


def sql_literal(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"a marked value is a string or an integer, not {value!r}")
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


class ForcedFailures:
    """Triggers that make a write to a table fail inside the database (SQLite and PostgreSQL alike, as an
    IntegrityError), removed after the test."""

    def __init__(self):
        self.installed: list[tuple[str, str]] = []

    def on(self, target, *, event: str = "INSERT", when: dict | None = None, after: int | None = None):
        """Fail ``event`` (INSERT or UPDATE) on ``target`` (a model or a table name): every one, or those whose new
        row has the values in ``when``, or (INSERT) those once ``after`` more rows have been inserted."""
        assert event in ("INSERT", "UPDATE")
        quote = connection.ops.quote_name
        table = target if isinstance(target, str) else target._meta.db_table
        conditions = [f"NEW.{quote(column)} = {sql_literal(value)}" for column, value in (when or {}).items()]
        if after is not None:
            assert event == "INSERT"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
                existing = cursor.fetchone()[0]
            conditions.append(f"(SELECT COUNT(*) FROM {quote(table)}) >= {existing + after}")
        condition = " AND ".join(conditions) or "1 = 1"
        name = f"atomicity_test_failure_{len(self.installed) + 1}"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION {quote(name)}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"IF {condition} THEN RAISE EXCEPTION '{FAILURE}' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END $$"
                )
                cursor.execute(
                    f"CREATE TRIGGER {quote(name)} BEFORE {event} ON {quote(table)} "
                    f"FOR EACH ROW EXECUTE FUNCTION {quote(name)}()"
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TRIGGER {quote(name)} BEFORE {event} ON {quote(table)} WHEN {condition} "
                    f"BEGIN SELECT RAISE(ABORT, '{FAILURE}'); END"
                )
            else:
                pytest.skip(f"no forced failures on {connection.vendor}")
        self.installed.append((name, table))

    def remove(self):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for name, table in self.installed:
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {quote(name)}()")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        self.installed.clear()


@pytest.fixture
def fail(db):
    failures = ForcedFailures()
    yield failures
    # A test that failed may have left its transaction broken; rolling it back removes the triggers too.
    with contextlib.suppress(DatabaseError):
        failures.remove()


def app_tables() -> list[str]:
    """Every table of the apps: models, many-to-many tables and history tables (those of the links too)."""
    return sorted(
        {
            model._meta.db_table
            for label in APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )


def database_state() -> dict[str, list[tuple]]:
    quote = connection.ops.quote_name
    state = {}
    with connection.cursor() as cursor:
        for table in app_tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            state[table] = sorted(map(tuple, cursor.fetchall()), key=repr)
    return state


def changed_tables(before: dict) -> dict[str, tuple[int, int]]:
    """The tables whose rows differ from ``before``, with their row counts before and now."""
    after = database_state()
    return {table: (len(before[table]), len(after[table])) for table in before if after[table] != before[table]}


def assert_nothing_left(before: dict):
    changed = changed_tables(before)
    assert not changed, f"rows left behind by the failed request (table: rows before, after): {changed}"


def assert_written(before: dict, *tables: str):
    """The request, once it can succeed, writes at least these tables (model or table names)."""
    names = {table if isinstance(table, str) else table._meta.db_table for table in tables}
    changed = changed_tables(before)
    assert names <= set(changed), f"expected writes to {sorted(names - set(changed))}; changed: {changed}"


def messages_of(response, level=messages.ERROR) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request) if message.level == level]


@pytest.fixture
def web():
    """A browser whose server errors come back as 500 pages, as users see them."""
    return Client(raise_request_exception=False)


@pytest.fixture
def rest():
    """An API client whose server errors come back as 500 answers."""
    return APIClient(raise_request_exception=False)


def today():
    return timezone.localdate()


# --------------------------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------------------------


def project_form_data(unit, domain, **values):
    return new_project_form_data(unit, **{"code": "AT-2026-01", "domain": domain.pk, **values})


def test_new_project_whose_second_milestone_fails_is_not_kept(web, fail, office_user, unit, other_unit):
    plan = PlanFactory()
    data = project_form_data(unit, DomainFactory(), plans=[plan.pk], participating_orgs=[other_unit.pk])
    web.force_login(office_user)
    fail.on(Milestone, when={"name": "竣工验收"})
    before = database_state()

    response = web.post(reverse("project-add"), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-add"), data).status_code == 302
    assert_written(
        before,
        Project,
        Project.history.model,
        Project.plans.through,
        Project.participating_orgs.through,
        "projects_historicalproject_plans",
        Milestone,
        HistoricalMilestone,
    )


def test_project_edit_whose_new_milestone_cannot_be_recorded_changes_nothing(web, fail, office_user, unit):
    project = ProjectFactory(lead_org=unit, code="AT-2026-02", name="智慧停车一期")
    kept = MilestoneFactory(project=project, name="方案编制", planned_date=datetime.date(2026, 3, 1))
    data = project_form_data(
        unit,
        project.domain,
        code=project.code,
        name="智慧停车一期（调整）",
        planned_end="2027-03-31",
        **{
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": kept.pk,
            "milestones-0-name": "方案编制",
            "milestones-0-weight": "30",
            "milestones-0-planned_date": "2026-03-01",
            "milestones-0-actual_date": "2026-03-05",
        },
    )
    web.force_login(office_user)
    # The history of the new milestone is the edit's last write: the project and the kept milestone are saved.
    fail.on(HistoricalMilestone, when={"name": "竣工验收"})
    before = database_state()

    response = web.post(reverse("project-edit", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    project.refresh_from_db()
    assert (project.name, project.planned_end) == ("智慧停车一期", datetime.date(2026, 12, 31))
    fail.remove()
    assert web.post(reverse("project-edit", args=[project.pk]), data).status_code == 302
    assert_written(before, Project, Project.history.model, Milestone, HistoricalMilestone)


def test_a_units_edit_whose_plan_change_cannot_be_recorded_changes_nothing(web, fail, liaison, unit):
    """The unit's own changes and its plan change to the office are one write: the request's history failing leaves
    the project as it was."""
    project = ProjectFactory(lead_org=unit, code="AT-2026-03", name="智慧停车二期")
    kept = MilestoneFactory(project=project, name="方案编制", weight=100, planned_date=datetime.date(2026, 3, 1))
    data = project_form_data(
        unit,
        project.domain,
        code=project.code,
        name="智慧停车二期（调整）",
        planned_end="2027-03-31",
        change_reason="征地延误。",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": kept.pk,
            "milestones-0-name": "方案编制",
            "milestones-0-weight": "100",
            "milestones-0-planned_date": "2026-05-01",
        },
    )
    web.force_login(liaison)
    fail.on(ProjectChangeRequest.history.model)
    before = database_state()

    response = web.post(reverse("project-edit", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-edit", args=[project.pk]), data).status_code == 302
    assert_written(before, Project, Project.history.model, ProjectChangeRequest, ProjectChangeRequest.history.model)
    project.refresh_from_db()
    assert (project.name, project.planned_end) == ("智慧停车二期（调整）", datetime.date(2026, 12, 31))


def test_funding_table_is_saved_whole_or_not_at_all(web, fail, office_user, unit):
    project = ProjectFactory(lead_org=unit)
    source = FundingSourceFactory(name="市级财政")
    existing = FundingFactory(project=project, source=source, year=2025, planned=Decimal("100.00"))
    data = {
        "fundings-TOTAL_FORMS": "3",
        "fundings-INITIAL_FORMS": "1",
        "fundings-MIN_NUM_FORMS": "0",
        "fundings-MAX_NUM_FORMS": "1000",
        "fundings-0-id": existing.pk,
    }
    for index, (year, planned) in enumerate([(2025, "150"), (2026, "300"), (2027, "200")]):
        data.update(
            {
                f"fundings-{index}-year": year,
                f"fundings-{index}-source": source.pk,
                f"fundings-{index}-planned": planned,
                f"fundings-{index}-allocated": "0",
                f"fundings-{index}-disbursed": "0",
            }
        )
    web.force_login(office_user)
    fail.on(Funding, when={"year": 2027})
    before = database_state()

    response = web.post(reverse("project-funding", args=[project.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("project-funding", args=[project.pk]), data).status_code == 302
    assert_written(before, Funding, Funding.history.model)
    assert Funding.objects.count() == 3


def test_monthly_reporting_page_saves_every_report_or_none(web, fail, liaison, unit, office_user):
    period = current_period(today())
    projects = [
        ProjectFactory(
            lead_org=unit,
            code=f"AT-R{n}",
            status=ProjectStatus.IN_PROGRESS,
            planned_start=today() - datetime.timedelta(days=60),
            planned_end=today() + datetime.timedelta(days=300),
        )
        for n in range(3)
    ]
    returned = ProgressReportFactory(
        project=projects[0],
        period=period,
        status=ReportStatus.RETURNED,
        reviewer=office_user,
        review_comment="请补充问题说明。",
        progress=10,
    )
    data = {}
    for project, progress in zip(projects, ("25", "30", "35"), strict=True):
        values = {"progress": progress, "investment_completed": "20", "summary": "完成数据接入。"}
        data.update({f"p{project.pk}-{key}": value for key, value in values.items()})
    web.force_login(liaison)
    # The pages files in code order: the returned report is revised, the second project's report filed, then the
    # third one fails.
    fail.on(ProgressReport, when={"project_id": projects[2].pk})
    before = database_state()

    response = web.post(reverse("progress-reporting"), data)

    assert response.status_code in (302, 500)
    if response.status_code == 302:
        assert messages_of(response)
    assert_nothing_left(before)
    returned.refresh_from_db()
    assert (returned.status, returned.progress) == (ReportStatus.RETURNED, Decimal("10.0"))
    fail.remove()
    response = web.post(reverse("progress-reporting"), data)
    assert response.status_code == 302 and messages_of(response, messages.SUCCESS)
    assert_written(before, ProgressReport, HistoricalProgressReport)
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).count() == 3


def test_review_queue_approves_every_ticked_report_or_none(web, fail, office_user, unit):
    reports = [ProgressReportFactory(project=ProjectFactory(lead_org=unit)) for _ in range(3)]
    web.force_login(office_user)
    # Whatever the order of the approvals, the third one cannot record its history.
    fail.on(HistoricalProgressReport, after=2)
    before = database_state()

    response = web.post(reverse("review-queue"), {"selected": [report.pk for report in reports]})

    assert response.status_code == 500
    assert_nothing_left(before)
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    fail.remove()
    assert web.post(reverse("review-queue"), {"selected": [report.pk for report in reports]}).status_code == 302
    assert_written(before, ProgressReport, HistoricalProgressReport)
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}


def category():
    # Tests run in transactions empty the reference data of the migrations.
    return Category.objects.get_or_create(name="城市建设与管理")[0]


def proposal_form_data(session, **values):
    data = {
        "session": session.pk,
        "number": "101",
        "title": "关于建设城市大脑的建议",
        "proposer_names": "储建华\n吴建娣\n民革区委会",
        "category": category().pk,
        "submitted_on": "2026-01-12",
        "content": "数据分散。",
        "suggestions": "统一平台。",
        "is_key": "on",
        "supervising_leader": "张副区长",
        "related_projects": [ProjectFactory().pk],
    }
    data.update(values)
    return data


def test_new_proposal_whose_event_fails_leaves_neither_proposal_nor_proposers(web, fail, committee_user):
    data = proposal_form_data(SessionFactory())
    web.force_login(committee_user)
    # The submission's event is its last write: the proposal, its history, new proposers, signatures and related
    # projects come first.
    fail.on(Event)
    before = database_state()

    response = web.post(reverse("proposal-add"), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("proposal-add"), data).status_code == 302
    assert_written(
        before,
        Proposal,
        Proposal.history.model,
        "proposals_proposer",
        "proposals_signature",
        Proposal.related_projects.through,
        Event,
    )


def test_proposal_edit_whose_related_projects_fail_keeps_its_text_and_proposers(web, fail, committee_user):
    proposal = ProposalFactory(proposers=["储建华", "吴建娣"])
    project = ProjectFactory()
    data = proposal_form_data(
        proposal.session,
        number=proposal.number,
        title="关于加快城市大脑建设的建议",
        proposer_names="王明、储建华",
        related_projects=[project.pk],
    )
    web.force_login(committee_user)
    fail.on(Proposal.related_projects.through)
    before = database_state()

    response = web.post(reverse("proposal-edit", args=[proposal.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert proposal.proposer_names == "储建华、吴建娣"
    fail.remove()
    assert web.post(reverse("proposal-edit", args=[proposal.pk]), data).status_code == 302
    assert_written(before, Proposal, Proposal.history.model, "proposals_signature", Proposal.related_projects.through)


def test_a_value_recorded_on_the_target_page_is_kept_only_with_its_history(web, fail, liaison, unit):
    indicator = IndicatorFactory(responsible_org=unit)
    data = {"period": "2026-03", "value": "150", "note": ""}
    web.force_login(liaison)
    fail.on(HistoricalIndicatorValue)
    before = database_state()

    response = web.post(reverse("indicator-value-add", args=[indicator.pk]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("indicator-value-add", args=[indicator.pk]), data).status_code == 302
    assert_written(before, "projects_indicatorvalue", HistoricalIndicatorValue)


def test_a_plan_deleted_on_its_page_stays_with_its_links_when_the_deletion_cannot_be_recorded(web, fail, office_user):
    plan = PlanFactory()
    for project in ProjectFactory.create_batch(2):
        project.plans.add(plan)
    web.force_login(office_user)
    fail.on(HistoricalPlan)
    before = database_state()

    response = web.post(reverse("plan-delete", args=[plan.pk]))

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("plan-delete", args=[plan.pk])).status_code == 302
    assert_written(before, "projects_plan", Project.plans.through, HistoricalPlan)


def test_a_project_archived_on_its_page_stays_listed_when_the_change_cannot_be_recorded(web, fail, office_user):
    project = ProjectFactory()
    web.force_login(office_user)
    fail.on(Project.history.model)
    before = database_state()

    response = web.post(reverse("project-archive", args=[project.pk]))

    assert response.status_code == 500
    assert_nothing_left(before)
    assert Project.objects.filter(pk=project.pk).exists()
    fail.remove()
    assert web.post(reverse("project-archive", args=[project.pk])).status_code == 302
    assert_written(before, Project, Project.history.model)
    assert not Project.objects.filter(pk=project.pk).exists()


# --------------------------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------------------------


def test_api_project_is_not_created_when_its_plans_cannot_be_linked(rest, fail, office_user, unit, other_unit):
    first, second = PlanFactory(), PlanFactory()
    body = {
        "code": "AT-API-01",
        "name": "一网统管平台",
        "plans": [first.pk, second.pk],
        "domain": DomainFactory().pk,
        "tier": "key",
        "lead_org": unit.pk,
        "participating_orgs": [other_unit.pk],
        "total_investment": "800.00",
        "planned_start": "2026-01-01",
        "planned_end": "2026-12-31",
        "status": "in_progress",
    }
    rest.force_authenticate(office_user)
    fail.on(Project.plans.through, when={"plan_id": second.pk})
    before = database_state()

    response = rest.post("/api/v1/projects/", body, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert rest.post("/api/v1/projects/", body, format="json").status_code == 201
    assert_written(before, Project, Project.history.model, Project.plans.through, Project.participating_orgs.through)


def test_api_project_change_is_undone_when_its_units_cannot_be_linked(rest, fail, office_user, unit, other_unit):
    project = ProjectFactory(lead_org=unit, name="一网统管平台")
    plan = PlanFactory()
    body = {"name": "一网统管平台（二期）", "plans": [plan.pk], "participating_orgs": [other_unit.pk]}
    rest.force_authenticate(office_user)
    fail.on(Project.participating_orgs.through)
    before = database_state()

    response = rest.patch(f"/api/v1/projects/{project.pk}/", body, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    project.refresh_from_db()
    assert (project.name, project.version, list(project.plans.all())) == ("一网统管平台", 1, [])
    fail.remove()
    assert rest.patch(f"/api/v1/projects/{project.pk}/", body, format="json").status_code == 200
    assert_written(before, Project, Project.history.model, Project.plans.through, Project.participating_orgs.through)


def test_api_plan_deletion_is_undone_when_it_cannot_be_recorded(rest, fail, office_user):
    plan = PlanFactory()
    ProjectFactory().plans.add(plan)
    rest.force_authenticate(office_user)
    fail.on(HistoricalPlan)
    before = database_state()

    response = rest.delete(f"/api/v1/plans/{plan.pk}/")

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert rest.delete(f"/api/v1/plans/{plan.pk}/").status_code == 204
    assert_written(before, "projects_plan", Project.plans.through, HistoricalPlan)


def test_api_proposal_is_not_registered_when_its_event_fails(rest, fail, committee_user):
    body = {
        "session": SessionFactory().pk,
        "number": "102",
        "title": "关于推进数据共享的建议",
        "proposers": ["张伟", "民盟区委会"],
        "category": category().pk,
        "content": "部门之间数据不通。",
        "suggestions": "建设共享交换平台。",
        "submitted_on": "2026-01-13",
        "related_projects": [ProjectFactory().pk],
    }
    rest.force_authenticate(committee_user)
    fail.on(Event)
    before = database_state()

    response = rest.post("/api/v1/proposals/", body, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert rest.post("/api/v1/proposals/", body, format="json").status_code == 201
    assert_written(before, Proposal, "proposals_proposer", "proposals_signature", Event)


# --------------------------------------------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------------------------------------------

PROJECT_HEADERS = ["项目编号", "项目名称", "领域", "牵头单位", "计划开始", "计划完成", "总投资（万元）", "所属规划"]


def csv_file(headers, rows, name="导入.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    file = io.BytesIO(buffer.getvalue().encode("utf-8-sig"))
    file.name = name
    return file


@pytest.fixture
def project_rows(unit):
    """Two existing projects renamed and two new ones, the last marked AT-IMP-NEW-2."""
    domain = DomainFactory(name="智慧水务")
    plan = PlanFactory(title="2026年智慧城市建设行动计划")
    existing = [ProjectFactory(code=f"AT-IMP-{n}", lead_org=unit, domain=domain) for n in (1, 2)]
    rows = [
        [
            project.code,
            f"{project.name}（更名）",
            domain.name,
            unit.name,
            "2026-01-01",
            "2026-12-31",
            "1000",
            plan.title,
        ]
        for project in existing
    ]
    rows += [
        [f"AT-IMP-NEW-{n}", f"新建项目{n}", domain.name, unit.name, "2026-02-01", "2027-06-30", "500", plan.title]
        for n in (1, 2)
    ]
    return rows


def preview_and_confirm(client, key, headers, rows):
    response = client.post(reverse("import", args=[key]), {"file": csv_file(headers, rows)})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert not outcome.errors and response.context["token"], outcome.errors
    return client.post(reverse("import", args=[key]), {"token": response.context["token"], "confirm": "1"})


def test_confirmed_import_whose_last_row_fails_imports_nothing(web, fail, office_user, project_rows):
    web.force_login(office_user)
    fail.on(Project, when={"code": "AT-IMP-NEW-2"})
    before = database_state()

    response = preview_and_confirm(web, "projects", PROJECT_HEADERS, project_rows)

    assert response.status_code == 200
    assert messages_of(response) and response.context["outcome"].errors
    assert_nothing_left(before)
    fail.remove()
    response = preview_and_confirm(web, "projects", PROJECT_HEADERS, project_rows)
    assert response.status_code == 302 and messages_of(response, messages.SUCCESS)
    assert_written(before, Project, Project.history.model, Project.plans.through, "projects_historicalproject_plans")


def test_api_import_whose_history_fails_after_every_row_was_saved_imports_nothing(
    rest, fail, office_user, project_rows
):
    rest.force_authenticate(office_user)
    # The rows' history is written for all of them at the end, after every row and link has been saved.
    fail.on(Project.history.model, when={"code": "AT-IMP-NEW-2"})
    before = database_state()

    def send():
        return rest.post(
            reverse("api:import", args=["projects"]),
            {"file": csv_file(PROJECT_HEADERS, project_rows), "dry_run": "false"},
            format="multipart",
        )

    response = send()

    assert response.status_code == 400 and response.json()["errors"]
    assert_nothing_left(before)
    fail.remove()
    assert send().status_code == 200
    assert_written(before, Project, Project.history.model, Project.plans.through)


def test_confirmed_proposal_import_whose_second_event_fails_imports_nothing(web, fail, committee_user):
    session = SessionFactory()
    headers = ["届次", "编号", "标题", "提案人", "提交日期", "提案内容", "建议"]
    rows = [
        [
            session.name,
            f"2{n:02d}",
            f"关于智慧社区建设的建议（{n}）",
            f"委员甲{n}、委员乙{n}",
            "2026-01-13",
            "内容",
            "建议",
        ]
        for n in (1, 2)
    ]
    web.force_login(committee_user)
    # Each new proposal goes through the submission service; the second one's event fails.
    fail.on(Event, after=1)
    before = database_state()

    response = preview_and_confirm(web, "proposals", headers, rows)

    assert response.status_code == 200 and messages_of(response)
    assert_nothing_left(before)
    fail.remove()
    assert preview_and_confirm(web, "proposals", headers, rows).status_code == 302
    assert_written(before, Proposal, Proposal.history.model, "proposals_proposer", "proposals_signature", Event)
    assert Proposal.objects.count() == 2


# --------------------------------------------------------------------------------------------------------------
# Workflow moves
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def advance(committee_user, liaison, signer, unit, other_unit):
    """Take a new proposal to ``status`` through the services: ``unit`` leads, ``other_unit`` co-handles."""
    course = Course(
        committee=committee_user,
        result_class=ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0],
        liaison=liaison,
        signer=signer,
        reply_fields={"text": "已采纳。"},
    )

    def advance(status):
        return course.bring(ProposalFactory(proposers=["储建华", "吴建娣"]), status, lead=unit, co=[other_unit])

    return advance


def test_assignment_on_the_move_page_leaves_no_units_when_its_event_fails(web, fail, committee_user, advance):
    proposal = advance(ProposalStatus.FILED)
    units = OrganizationFactory.create_batch(3)
    data = {"lead_unit": units[0].pk, "co_units": [units[1].pk, units[2].pk], "due_date": "", "note": "请抓紧办理"}
    web.force_login(committee_user)
    fail.on(Event, when={"move": ProposalMove.ASSIGN})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "assign"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.due_date) == (ProposalStatus.FILED, None)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "assign"]), data).status_code == 302
    assert_written(before, "proposals_assignment", Proposal, Proposal.history.model, Event)


def test_api_sign_off_issues_nothing_when_its_event_fails(rest, fail, liaison, signer, advance):
    proposal = advance(ProposalStatus.ASSIGNED)
    body = {"text": "已列入计划。", "result_class": "A", "doc_number": "镇经信〔2026〕8号"}
    rest.force_authenticate(liaison)
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/reply/", body, format="json").status_code == 200
    rest.force_authenticate(signer)
    fail.on(Event, when={"move": ProposalMove.REPLY})
    before = database_state()

    response = rest.post(f"/api/v1/proposals/{proposal.pk}/sign-off/", {}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    assert Reply.objects.get().status == "draft"
    fail.remove()
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/sign-off/", {}, format="json").status_code == 200
    assert_written(before, "proposals_reply", "proposals_historicalreply", Proposal, Proposal.history.model, Event)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED


def test_a_paper_reply_is_not_recorded_when_its_event_fails(web, fail, committee_user, unit, advance):
    proposal = advance(ProposalStatus.ASSIGNED)
    data = {
        "unit": unit.pk,
        "signed_off_on": today().isoformat(),
        "result_class": ResultClass.objects.get(code="A").pk,
        "text": "书面答复。",
    }
    web.force_login(committee_user)
    fail.on(Event, when={"move": ProposalMove.RECORD_REPLY})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "record-reply"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "record-reply"]), data).status_code == 302
    assert_written(before, "proposals_reply", "proposals_historicalreply", Proposal, Proposal.history.model, Event)


def test_api_publication_is_undone_when_its_event_fails(rest, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    reply = proposal.replies.get()
    rest.force_authenticate(committee_user)
    fail.on(Event, when={"move": ProposalMove.PUBLISH_REPLY})
    before = database_state()

    response = rest.post(f"/api/v1/replies/{reply.pk}/publish/", {}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    assert not Reply.objects.get().is_public
    fail.remove()
    assert rest.post(f"/api/v1/replies/{reply.pk}/publish/", {}, format="json").status_code == 200
    assert_written(before, "proposals_reply", "proposals_historicalreply", Event)


def test_unsatisfied_feedback_starts_no_new_round_when_the_proposal_cannot_be_saved(web, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    lead = proposal.lead_proposer
    data = {"proposer": lead.pk, "satisfaction": Satisfaction.UNSATISFIED, "comment": "答复未解决问题。"}
    data["given_on"] = today().isoformat()
    data["due_date"] = (today() + datetime.timedelta(days=120)).isoformat()  # later than the round's
    web.force_login(committee_user)
    # The new round's feedback row and due dates are written, then the proposal's own change fails.
    fail.on(Proposal, event="UPDATE", when={"status": ProposalStatus.REHANDLING})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "feedback"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == (ProposalStatus.REPLIED, 1)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "feedback"]), data).status_code == 302
    assert_written(before, "proposals_feedback", "proposals_assignment", Proposal, Proposal.history.model, Event)


def test_api_close_keeps_the_proposal_open_when_its_event_fails(rest, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    rest.force_authenticate(committee_user)
    fail.on(Event, when={"move": ProposalMove.CLOSE})
    before = database_state()

    response = rest.post(f"/api/v1/proposals/{proposal.pk}/close/", {"note": "逾期未反馈"}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/close/", {}, format="json").status_code == 200
    assert_written(before, Proposal, Proposal.history.model, Event)


def test_api_approval_is_undone_when_it_cannot_be_recorded(rest, fail, office_user, unit):
    report = ProgressReportFactory(project=ProjectFactory(lead_org=unit))
    rest.force_authenticate(office_user)
    fail.on(HistoricalProgressReport, when={"status": ReportStatus.APPROVED})
    before = database_state()

    response = rest.post(f"/api/v1/progress-reports/{report.pk}/approve/", {"comment": "同意"}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    report.refresh_from_db()
    assert (report.status, report.reviewer) == (ReportStatus.SUBMITTED, None)
    fail.remove()
    assert rest.post(f"/api/v1/progress-reports/{report.pk}/approve/", {}, format="json").status_code == 200
    assert_written(before, ProgressReport, HistoricalProgressReport)


def test_returning_a_report_is_undone_when_it_cannot_be_recorded(web, fail, office_user, unit):
    report = ProgressReportFactory(project=ProjectFactory(lead_org=unit))
    web.force_login(office_user)
    fail.on(HistoricalProgressReport, when={"status": ReportStatus.RETURNED})
    before = database_state()

    response = web.post(reverse("report-return", args=[report.pk]), {"comment": "投资数据与拨付记录不符。"})

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("report-return", args=[report.pk]), {"comment": "投资数据不符。"}).status_code == 302
    assert_written(before, ProgressReport, HistoricalProgressReport)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
