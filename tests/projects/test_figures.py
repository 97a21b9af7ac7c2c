"""Derived figures: progress, planned progress, lateness, health and attainment, as the database computes them."""

import datetime
from decimal import Decimal

import pytest

from projects.choices import Health, IndicatorDirection, ProjectStatus, ReportStatus
from projects.models import Indicator, Milestone, Project
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 2)  # 182 of the 364 days from 2026-01-01 to 2026-12-31: half the span


def figures(project, today=TODAY):
    return Project.objects.with_figures(today).get(pk=project.pk)


def half_done_project(**kwargs):
    """Milestones of weight 50 done on time and 50 due at year end: planned progress 50 on TODAY."""
    project = ProjectFactory(**kwargs)
    MilestoneFactory(
        project=project, weight=50, planned_date=datetime.date(2026, 3, 1), actual_date=datetime.date(2026, 3, 5)
    )
    MilestoneFactory(project=project, weight=50, planned_date=datetime.date(2026, 12, 31))
    return project


class TestProgress:
    def test_without_milestones_or_reports_progress_is_zero_and_plan_is_elapsed_share(self):
        project = figures(ProjectFactory())
        assert project.progress == 0
        assert project.planned_progress == pytest.approx(50.0)

    def test_plan_is_zero_before_start_and_full_after_end(self):
        project = ProjectFactory()
        assert figures(project, datetime.date(2025, 12, 1)).planned_progress == 0
        assert figures(project, datetime.date(2027, 2, 1)).planned_progress == 100

    def test_weighted_share_of_completed_milestones(self):
        project = figures(half_done_project())
        assert project.progress == pytest.approx(50.0)
        assert project.planned_progress == pytest.approx(50.0)

    def test_latest_approved_report_wins_over_milestones_and_unapproved_reports(self):
        project = half_done_project()
        ProgressReportFactory(project=project, period="2026-04", progress=Decimal("30.0"), status=ReportStatus.APPROVED)
        ProgressReportFactory(project=project, period="2026-05", progress=Decimal("42.5"), status=ReportStatus.APPROVED)
        ProgressReportFactory(
            project=project, period="2026-06", progress=Decimal("90.0"), status=ReportStatus.SUBMITTED
        )
        ProgressReportFactory(
            project=project,
            period="2026-07",
            progress=Decimal("95.0"),
            status=ReportStatus.RETURNED,
            review_comment="数据有误",
        )
        assert figures(project).progress == pytest.approx(42.5)

    def test_progress_as_of_a_past_day_reads_no_later_report(self):
        # The 月报 of a past month rates each project as it stood at that month's end.
        project = half_done_project()
        ProgressReportFactory(project=project, period="2026-04", progress=Decimal("30.0"), status=ReportStatus.APPROVED)
        ProgressReportFactory(project=project, period="2026-06", progress=Decimal("45.0"), status=ReportStatus.APPROVED)
        assert figures(project, datetime.date(2026, 5, 31)).progress == pytest.approx(30.0)
        assert figures(project, datetime.date(2026, 6, 1)).progress == pytest.approx(45.0)
        assert figures(project).progress == pytest.approx(45.0)

    @pytest.mark.parametrize("status", [ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED])
    def test_finished_project_is_at_100_and_green(self, status):
        project = ProjectFactory(status=status)
        MilestoneFactory(project=project, planned_date=datetime.date(2026, 2, 1))  # never marked done
        ProgressReportFactory(project=project, progress=Decimal("60.0"), status=ReportStatus.APPROVED)
        project = figures(project)
        assert project.progress == 100
        assert project.late_milestones == 0
        assert project.health == Health.GREEN

    def test_with_milestones_none_due_yet_the_plan_is_zero(self):
        project = ProjectFactory()
        MilestoneFactory(project=project, planned_date=TODAY + datetime.timedelta(days=1))
        project = figures(project)
        assert (project.progress, project.planned_progress) == (0, 0)

    def test_planned_progress_counts_milestones_due_today(self):
        project = ProjectFactory()
        MilestoneFactory(project=project, weight=30, planned_date=TODAY, actual_date=TODAY)
        MilestoneFactory(project=project, weight=70, planned_date=TODAY + datetime.timedelta(days=1))
        assert figures(project).planned_progress == pytest.approx(30.0)


class TestHealth:
    def report(self, project, progress):
        ProgressReportFactory(
            project=project, period="2026-06", progress=Decimal(progress), status=ReportStatus.APPROVED
        )
        return figures(project)

    @pytest.mark.parametrize(
        ("reported", "health"),
        [
            ("50.0", Health.GREEN),
            ("40.0", Health.GREEN),  # 10 points behind is not more than 10
            ("39.9", Health.YELLOW),
            ("30.0", Health.YELLOW),  # 20 behind is not more than 20
            ("29.9", Health.RED),
            ("80.0", Health.GREEN),  # ahead of plan
        ],
    )
    def test_lag_behind_plan(self, reported, health):
        project = self.report(half_done_project(), reported)
        assert project.progress_lag == pytest.approx(50.0 - float(reported))
        assert project.health == health

    def test_any_late_milestone_makes_yellow(self):
        project = half_done_project()
        MilestoneFactory(project=project, weight=1, planned_date=TODAY - datetime.timedelta(days=3))
        project = self.report(project, "55.0")
        assert (project.late_milestones, project.days_late) == (1, 3)
        assert project.health == Health.YELLOW

    def test_milestone_more_than_30_days_late_makes_red(self):
        project = half_done_project()
        MilestoneFactory(project=project, weight=1, planned_date=TODAY - datetime.timedelta(days=30))
        assert self.report(project, "55.0").health == Health.YELLOW
        MilestoneFactory(project=project, weight=1, planned_date=TODAY - datetime.timedelta(days=31))
        project = figures(project)
        assert (project.late_milestones, project.days_late) == (2, 31)
        assert project.health == Health.RED

    def test_thresholds_come_from_settings(self, settings):
        settings.PORTFOLIO = {"YELLOW_LAG": 5, "RED_LAG": 8, "RED_LATE_DAYS": 30}
        assert self.report(half_done_project(), "41.0").health == Health.RED

    def test_cancelled_project_is_not_watched(self):
        project = ProjectFactory(status=ProjectStatus.CANCELLED)
        MilestoneFactory(project=project, planned_date=datetime.date(2026, 2, 1))
        assert figures(project).health == Health.GREEN

    def test_filtering_by_health_uses_the_same_rule(self):
        green = self.report(half_done_project(), "50.0")
        red = self.report(half_done_project(), "10.0")
        by_health = Project.objects.with_figures(TODAY).filter(health=Health.RED)
        assert list(by_health) == [red]
        assert green not in by_health


class TestMilestoneLateness:
    def test_late_when_planned_date_passed_without_actual_date(self):
        project = ProjectFactory()
        late = MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=12))
        MilestoneFactory(project=project, planned_date=TODAY - datetime.timedelta(days=12), actual_date=TODAY)
        MilestoneFactory(project=project, planned_date=TODAY)
        rows = Milestone.objects.with_lateness(TODAY).filter(project=project)
        assert [(m.pk, m.days_late) for m in rows if m.is_late] == [(late.pk, 12)]
        assert list(Milestone.objects.late(TODAY)) == [late]

    def test_milestones_of_finished_projects_are_not_late(self):
        MilestoneFactory(project=ProjectFactory(status=ProjectStatus.ACCEPTED), planned_date=datetime.date(2026, 1, 1))
        assert not Milestone.objects.late(TODAY).exists()


class TestAttainment:
    def test_latest_value_against_target(self):
        indicator = IndicatorFactory(target=Decimal("5629"))
        IndicatorValueFactory(indicator=indicator, period="2014-06", value=Decimal("3000"))
        IndicatorValueFactory(indicator=indicator, period="2014-12", value=Decimal("7126"))
        indicator = Indicator.objects.with_attainment().get(pk=indicator.pk)
        assert indicator.latest_period == "2014-12"
        assert indicator.latest_value == 7126
        assert indicator.attainment == pytest.approx(126.6, abs=0.05)

    def test_lower_is_better_is_inverted(self):
        indicator = IndicatorFactory(target=Decimal("5"), direction=IndicatorDirection.LOWER_IS_BETTER)
        IndicatorValueFactory(indicator=indicator, value=Decimal("4"))
        assert Indicator.objects.with_attainment().get(pk=indicator.pk).attainment == pytest.approx(125.0)

    def test_no_value_yet_means_no_attainment(self):
        indicator = IndicatorFactory()
        assert Indicator.objects.with_attainment().get(pk=indicator.pk).attainment is None


def test_active_in_year_means_planned_span_touches_the_year():
    inside = ProjectFactory(planned_start=datetime.date(2025, 6, 1), planned_end=datetime.date(2027, 6, 30))
    ProjectFactory(planned_start=datetime.date(2027, 1, 1), planned_end=datetime.date(2027, 6, 30))
    assert list(Project.objects.active_in_year(2026)) == [inside]
