"""All or nothing through the API: projects with their plans and units, plans deleted, proposals registered."""

import pytest

from projects.models import HistoricalPlan, Project
from proposals.models import Event, Proposal
from tests.atomicity.support import assert_nothing_left, assert_written, category, database_state
from tests.factories import DomainFactory, PlanFactory, ProjectFactory, SessionFactory

pytestmark = pytest.mark.django_db


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
