"""All or nothing through the imports: a confirmed file, an API upload and the proposals' import."""

import csv
import io

import pytest
from django.contrib import messages
from django.urls import reverse

from projects.models import Project
from proposals.models import Event, Proposal
from tests.atomicity.support import assert_nothing_left, assert_written, database_state, messages_of
from tests.factories import DomainFactory, PlanFactory, ProjectFactory, SessionFactory

pytestmark = pytest.mark.django_db


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
