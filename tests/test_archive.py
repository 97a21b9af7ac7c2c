"""Projects, units and proposals are archived, never deleted by users: an archived one leaves the lists, the figures,
the choices and the reminders, stays readable by id with its records and history, and comes back when restored.
Only a superuser purges a row (in the admin)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Organization
from projects.choices import ReportStatus
from projects.models import Milestone, Project
from projects.selectors import portfolio_summary
from proposals.choices import ProposalStatus
from proposals.models import Proposal

from .factories import (
    MilestoneFactory,
    OrganizationFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(unit):
    project = ProjectFactory(code="ZH-ARCH-1", name="归档测试项目", lead_org=unit)
    MilestoneFactory(project=project, name="验收", planned_date=datetime.date(2026, 1, 31))
    # An approved report, so that its page draws the progress chart (computed for archived projects too).
    ProgressReportFactory(project=project, period="2026-01", status=ReportStatus.APPROVED)
    return project


def listed_codes(client, url="/projects/", **params):
    return [row.code for row in client.get(url, params).context["object_list"]]


def test_the_office_archives_a_project_which_leaves_lists_and_figures_but_keeps_its_records(
    client, office_user, project
):
    client.force_login(office_user)
    assert "归档" in client.get(reverse("project-archive", args=[project.pk])).content.decode()
    response = client.post(reverse("project-archive", args=[project.pk]))
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()

    project = Project.all_objects.get(pk=project.pk)
    assert project.is_archived
    assert Milestone.objects.filter(project=project).count() == 1  # nothing deleted
    assert project.history.latest().archived_at is not None  # and the move is in the history, by whom
    assert project.history.latest().history_user == office_user

    assert listed_codes(client) == []
    assert listed_codes(client, archived="true") == ["ZH-ARCH-1"]
    assert list(client.get("/milestones/").context["object_list"]) == []
    assert portfolio_summary()["total"] == 0
    page = client.get(project.get_absolute_url()).content.decode()
    assert "已于" in page and "归档" in page  # the page still opens, saying so

    client.post(reverse("project-archive", args=[project.pk]))  # the same page restores it
    assert listed_codes(client) == ["ZH-ARCH-1"] and portfolio_summary()["total"] == 1


@pytest.mark.parametrize("who", ["liaison", "leader", "committee_user"])
def test_other_roles_may_not_archive_a_project(client, request, project, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("project-archive", args=[project.pk])).status_code == 403
    assert not Project.all_objects.get(pk=project.pk).is_archived


def test_a_unit_that_leads_projects_stays_until_they_are_archived(client, office_user, unit, project):
    client.force_login(office_user)
    response = client.post(reverse("organization-archive", args=[unit.pk]), follow=True)
    assert "仍在牵头或下辖" in response.content.decode() and project.code in response.content.decode()
    assert not Organization.all_objects.get(pk=unit.pk).is_archived

    client.post(reverse("project-archive", args=[project.pk]))
    client.post(reverse("organization-archive", args=[unit.pk]))
    assert Organization.all_objects.get(pk=unit.pk).is_archived
    assert unit.name not in [o.name for o in client.get("/organizations/").context["object_list"]]
    # No longer offered to new projects, but a project that has it keeps it on save.
    assert unit.pk not in [o.pk for o in client.get("/projects/add/").context["form"].fields["lead_org"].queryset]
    edit = client.get(reverse("project-edit", args=[project.pk])).context["form"]
    assert unit.pk in [o.pk for o in edit.fields["lead_org"].queryset]


def test_the_api_archives_on_delete_and_restores(api, office_user, project):
    client = api.as_user(office_user)
    assert client.delete(f"/api/v1/projects/{project.pk}/").status_code == 204
    assert Project.all_objects.filter(pk=project.pk).exists()
    assert [row["code"] for row in client.get("/api/v1/projects/").json()["results"]] == []
    read = client.get(f"/api/v1/projects/{project.pk}/")
    assert read.status_code == 200 and read.json()["archived_at"] is not None
    restored = client.post(f"/api/v1/projects/{project.pk}/restore/")
    assert restored.status_code == 200 and restored.json()["archived_at"] is None
    assert [row["code"] for row in client.get("/api/v1/projects/").json()["results"]] == ["ZH-ARCH-1"]


def test_a_liaison_may_not_archive_through_the_api(api, liaison, project):
    assert api.as_user(liaison).delete(f"/api/v1/projects/{project.pk}/").status_code == 403
    assert not Project.all_objects.get(pk=project.pk).is_archived


def test_the_committee_archives_a_proposal_registered_by_mistake(client, api, committee_user):
    proposal = ProposalFactory()
    client.force_login(committee_user)
    assert client.post(reverse("proposal-archive", args=[proposal.pk])).status_code == 302
    proposal = Proposal.all_objects.get(pk=proposal.pk)
    assert proposal.is_archived and proposal.status == ProposalStatus.SUBMITTED
    assert list(client.get("/proposals/").context["object_list"]) == []
    assert client.get(proposal.get_absolute_url()).status_code == 200
    # No workflow move on an archived proposal.
    moved = api.as_user(committee_user).post(f"/api/v1/proposals/{proposal.pk}/file/", {}, format="json")
    assert moved.status_code == 409
    assert api.as_user(committee_user).post(f"/api/v1/proposals/{proposal.pk}/restore/").status_code == 200
    assert [p.pk for p in client.get("/proposals/").context["object_list"]] == [proposal.pk]


def test_only_a_superuser_purges_in_the_admin(client, project):
    staff = UserFactory(username="office-admin", is_staff=True, organization=OrganizationFactory(name="市智慧办2"))
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_project", "change_project", "delete_project"])
    )
    client.force_login(staff)
    assert client.get(f"/admin/projects/project/{project.pk}/delete/").status_code == 403
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(f"/admin/projects/project/{project.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Project.all_objects.filter(pk=project.pk).exists()
