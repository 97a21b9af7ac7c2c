"""The project list's totals and filter menu, as they are computed for a large portfolio: the totals in one grouped
query (each project's figures once), the parent filter's menu limited to projects that have sub-projects."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.choices import Health, ProjectStatus
from projects.models import Project
from projects.selectors import parent_projects, portfolio_summary
from tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(unit):
    today = timezone.localdate()
    span = {"planned_start": today - datetime.timedelta(days=1), "planned_end": today + datetime.timedelta(days=365)}
    green = ProjectFactory(code="A-GREEN", lead_org=unit, total_investment=Decimal("100.10"), **span)
    red = ProjectFactory(code="B-RED", lead_org=unit, total_investment=Decimal("200.20"), **span)
    MilestoneFactory(project=red, planned_date=today - datetime.timedelta(days=60))
    yellow = ProjectFactory(code="C-YELLOW", lead_org=unit, total_investment=Decimal("0.01"), **span)
    MilestoneFactory(project=yellow, planned_date=today - datetime.timedelta(days=3))
    MilestoneFactory(project=yellow, planned_date=today + datetime.timedelta(days=200), weight=90)  # lag 10 points
    done = ProjectFactory(
        code="D-DONE", lead_org=unit, status=ProjectStatus.COMPLETED, total_investment=Decimal("5"), parent=red, **span
    )
    return {"green": green, "red": red, "yellow": yellow, "done": done}


def test_summary_counts_each_top_level_project_by_its_own_figures(portfolio):
    summary = portfolio_summary()
    # The phase (D-DONE, under B-RED) is part of its parent: it enters no count and no total.
    figures = list(Project.objects.top_level().with_figures().values_list("status", "health"))
    assert summary["total"] == len(figures) == 3
    assert summary["phases"] == 1
    assert summary["investment"] == Decimal("300.31")
    assert dict(summary["by_health"]) == {health: sum(h == health for _, h in figures) for health in Health}
    assert dict(summary["by_health"]) == {Health.GREEN: 1, Health.YELLOW: 1, Health.RED: 1}
    assert dict(summary["by_status"])[ProjectStatus.COMPLETED] == 0


def test_summary_of_a_list_filtered_by_health_or_empty(portfolio):
    red = portfolio_summary(projects=Project.objects.with_figures().filter(health=Health.RED))
    assert (red["total"], red["investment"]) == (1, Decimal("200.20"))
    assert dict(red["by_health"]) == {Health.GREEN: 0, Health.YELLOW: 0, Health.RED: 1}
    nothing = portfolio_summary(projects=Project.objects.none())
    assert (nothing["total"], nothing["investment"]) == (0, 0)


def test_parent_filter_offers_projects_with_sub_projects_and_the_chosen_one(client, leader, portfolio):
    assert list(parent_projects()) == [portfolio["red"]]
    assert set(parent_projects(chosen=portfolio["green"].pk)) == {portfolio["red"], portfolio["green"]}
    client.force_login(leader)

    response = client.get("/projects/")
    assert list(response.context["filterset"].form.fields["parent"].queryset) == [portfolio["red"]]

    # Any project is still a valid choice: one without sub-projects lists nothing rather than failing the filters.
    response = client.get("/projects/", {"parent": portfolio["green"].pk})
    assert response.context["filterset"].is_valid() and list(response.context["object_list"]) == []
    assert f'<option value="{portfolio["green"].pk}" selected>' in response.content.decode()
    response = client.get("/projects/", {"parent": portfolio["red"].pk})
    assert [project.code for project in response.context["object_list"]] == ["D-DONE"]
