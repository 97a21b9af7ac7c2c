"""The portfolio's to-do lists on the start page (``accounts.todo``): a unit's missing and returned reports and its
milestones falling due; the office's review queue, requests to confirm, red projects and late milestones; the
leader's key projects. Each links to the list page that selects the same rows."""

from django.utils.translation import gettext_lazy as _

from accounts.todo import Section, for_leader, for_unit, link, register_sections

from . import selectors
from .choices import Health, ProjectStatus, ReportStatus
from .filtersets import MISSING


def for_office(user) -> bool:
    return user.has_perm("projects.review_progressreport")


def open_statuses() -> list[str]:
    return [status for status in ProjectStatus.values if status not in ProjectStatus.closed()]


SECTIONS = [
    Section(
        key="missing_reports",
        group="liaison",
        order=10,
        title=_("Progress reports missing this month"),
        template="projects/todo/missing_report.html",
        applies=lambda user: for_unit(user) and user.has_perm("projects.add_progressreport"),
        rows=lambda user, today: selectors.unit_missing_reports(user.organization_id, selectors.current_period(today)),
        url=lambda user, today: link(
            "project-list",
            lead_org=user.organization_id,
            report_period=selectors.current_period(today),
            report_status=MISSING,
        ),
        empty=_("Every project has its report for this month."),
        action=lambda user, today: (
            _("Report progress now"),
            link("progress-reporting", period=selectors.current_period(today)),
        ),
    ),
    Section(
        key="returned_reports",
        group="liaison",
        order=20,
        title=_("Returned reports"),
        template="projects/todo/returned_report.html",
        applies=lambda user: for_unit(user) and user.has_perm("projects.add_progressreport"),
        rows=lambda user, today: selectors.unit_returned_reports(user.organization_id),
        url=lambda user, today: link("report-list", status=ReportStatus.RETURNED, lead_org=user.organization_id),
        empty=_("No report was returned."),
    ),
    Section(
        key="milestones",
        group="liaison",
        order=30,
        title=_("Milestones late or due within 30 days"),
        template="projects/todo/milestone.html",
        applies=for_unit,
        rows=lambda user, today: selectors.unit_milestones_due(user.organization_id, today),
        url=lambda user, today: link(
            "milestone-list",
            lead_org=user.organization_id,
            is_done="false",
            planned_before=selectors.milestone_horizon(today).isoformat(),
            project_status=open_statuses(),
        ),
        empty=_("Nothing falls due in the next 30 days."),
    ),
    Section(
        key="waiting_reports",
        group="office",
        order=20,
        title=_("Reports waiting for review"),
        template="projects/todo/waiting_report.html",
        applies=for_office,
        rows=lambda user, today: selectors.reports_to_review(user),
        url=lambda user, today: link("review-queue"),
        empty=_("Nothing waits for review."),
    ),
    Section(
        key="pending_requests",
        group="office",
        order=25,
        title=_("Requests awaiting confirmation"),
        template="projects/todo/change_request.html",
        applies=for_office,
        rows=lambda user, today: selectors.requests_to_confirm(user),
        url=lambda user, today: link("change-request-list", status="pending"),
        empty=_("No request awaits confirmation."),
    ),
    Section(
        key="red_projects",
        group="office",
        order=40,
        title=_("Red projects"),
        template="projects/todo/red_project.html",
        applies=for_office,
        rows=lambda user, today: selectors.red_projects(user, today),
        url=lambda user, today: link("project-list", health=Health.RED),
        empty=_("No project is red."),
    ),
    Section(
        key="late_milestones",
        group="office",
        order=50,
        title=_("Late milestones"),
        template="projects/todo/late_milestone.html",
        applies=for_office,
        rows=lambda user, today: selectors.late_milestones(user, today),
        url=lambda user, today: link("milestone-list", is_late="true"),
        empty=_("No milestone is late."),
    ),
    Section(
        key="key_projects",
        group="leader",
        order=10,
        title=_("Key projects under way"),
        template="projects/todo/key_project.html",
        applies=for_leader,
        rows=lambda user, today: selectors.key_projects(user, today),
        url=lambda user, today: link(
            "project-list", tier=selectors.KEY_TIERS, status=ProjectStatus.reporting(), ordering="-health"
        ),
        empty=_("No key project is under way."),
    ),
]


def register():
    register_sections(*SECTIONS)
