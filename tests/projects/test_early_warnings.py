"""预警: a project's warnings come from the rules that colour it, each with its reason, and clear with their cause."""

import datetime

from projects.models import Project
from projects.selectors import early_warnings

from ..factories import MilestoneFactory, ProgressReportFactory, ProjectFactory, UserFactory


def figures(project, today):
    return Project.objects.with_figures(today).get(pk=project.pk)


def test_warnings_name_their_causes_and_clear_with_them(db, set_today):
    today = datetime.date(2026, 6, 15)
    set_today(today)
    project = ProjectFactory(planned_start=datetime.date(2026, 1, 1), planned_end=datetime.date(2026, 12, 31))
    milestone = MilestoneFactory(project=project, planned_date=datetime.date(2026, 5, 1), weight=10)
    reasons = early_warnings(figures(project, today), today)
    assert "1 个里程碑逾期，最长逾期 45 天。" in reasons
    assert "2026-06 进度月报未报送（应于 2026-06-05 前报送）。" in reasons

    milestone.actual_date = datetime.date(2026, 6, 1)
    milestone.save()
    ProgressReportFactory(project=project, period="2026-06", progress=50)
    assert early_warnings(figures(project, today), today) == []


def test_the_project_page_shows_them(client, db, set_today):
    from accounts.choices import Role

    set_today(datetime.date(2026, 6, 15))
    project = ProjectFactory()
    MilestoneFactory(project=project, planned_date=datetime.date(2026, 5, 1))
    client.force_login(UserFactory(role=Role.OFFICE))
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'id="early-warnings"' in page
