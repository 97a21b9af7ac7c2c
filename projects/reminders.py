"""What the portfolio reminds people of, registered with ``notifications`` (``manage.py send_reminders`` gathers,
deduplicates and mails it).

- liaisons (their unit's projects): this month's progress report missing after the due working day, reports the
  office returned, milestones late or due within ``MILESTONE_WINDOW_DAYS``;
- office staff: reports waiting for review, projects whose health is red (once per spell of red).

Every query here is one query whatever the number of projects (no per-row queries).
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import Role
from accounts.models import User
from notifications.reminders import ReminderItem, link
from workdays.working_days import WorkCalendar

from .choices import Health, ProjectStatus, ReportStatus
from .models import Milestone, ProgressReport, Project
from .selectors import current_period

MILESTONE_WINDOW_DAYS = 7


def project_link(project_id: int) -> str:
    return link(reverse("project-detail", args=[project_id]))


def report_link(period: str) -> str:
    return link(f"{reverse('progress-reporting')}?period={period}")


def review_link() -> str:
    return link(reverse("review-queue"))


def report_due_date(day: datetime.date, calendar: WorkCalendar | None = None) -> datetime.date:
    """The last day to file the report of ``day``'s month: the month's ``REPORT_DUE_WORKDAY``-th working day, by the
    office's calendar (public holidays off, the weekend days worked in their place counted: ``workdays``). A loop over
    months passes one ``calendar``, which reads each year once."""
    calendar = calendar or WorkCalendar()
    return calendar.nth_working_day_of_month(day.year, day.month, settings.PORTFOLIO["REPORT_DUE_WORKDAY"])


def collect(today: datetime.date) -> list[ReminderItem]:
    return [*_liaison_items(today), *_office_items(today)]


def _liaison_items(today: datetime.date) -> list[ReminderItem]:
    liaisons = defaultdict(list)
    for user in User.objects.filter(is_active=True, groups__name=Role.LIAISON, organization__isnull=False):
        liaisons[user.organization_id].append(user)
    if not liaisons:
        return []
    units = list(liaisons)
    items = []

    def add(project, key, section, text, url):
        items.extend(ReminderItem(user, key, section, text, url) for user in liaisons[project.lead_org_id])

    # The rules of the unit's to-do lists on the start page (``projects.todo``), but for all units in one query each and
    # nothing about closed projects: a done or cancelled project's old report is not worth a daily e-mail.
    period = current_period(today)
    due = report_due_date(today)
    if today > due:
        section = _("Progress reports not yet filed")
        missing = Project.objects.without_report(period).filter(lead_org_id__in=units).order_by("code")
        for project in missing:
            text = _("%(project)s: no progress report for %(period)s yet (due %(due)s)") % {
                "project": project,
                "period": period,
                "due": due.isoformat(),
            }
            add(project, f"report-missing:{project.pk}:{period}", section, text, report_link(period))

    section = _("Progress reports returned by the office")
    returned = (
        ProgressReport.objects.filter(
            status=ReportStatus.RETURNED, project__lead_org_id__in=units, project__archived_at__isnull=True
        )
        .exclude(project__status__in=ProjectStatus.closed())
        .select_related("project")
        .order_by("period", "project__code")
    )
    for report in returned:
        text = _("%(project)s, report for %(period)s returned: %(reason)s") % {
            "project": report.project,
            "period": report.period,
            "reason": " ".join(report.review_comment.split()),
        }
        add(report.project, f"report-returned:{report.pk}", section, text, report_link(report.period))

    section = ngettext(
        "Milestones late or due within %(days)d day",
        "Milestones late or due within %(days)d days",
        MILESTONE_WINDOW_DAYS,
    ) % {"days": MILESTONE_WINDOW_DAYS}
    milestones = (
        Milestone.objects.with_lateness(today)
        .filter(
            actual_date__isnull=True,
            planned_date__lte=today + datetime.timedelta(days=MILESTONE_WINDOW_DAYS),
            project__lead_org_id__in=units,
            project__archived_at__isnull=True,
        )
        .exclude(project__status__in=ProjectStatus.closed())
        .select_related("project")
        .order_by("planned_date", "project__code", "pk")
    )
    for milestone in milestones:
        values = {"project": milestone.project, "milestone": milestone.name, "date": milestone.planned_date.isoformat()}
        if milestone.is_late:
            days = round(milestone.days_late)
            text = ngettext(
                "%(project)s: milestone %(milestone)s was due %(date)s, %(days)d day late",
                "%(project)s: milestone %(milestone)s was due %(date)s, %(days)d days late",
                days,
            ) % {**values, "days": days}
        elif milestone.planned_date == today:
            text = _("%(project)s: milestone %(milestone)s is due today") % values
        else:
            days = (milestone.planned_date - today).days
            text = ngettext(
                "%(project)s: milestone %(milestone)s is due %(date)s, in %(days)d day",
                "%(project)s: milestone %(milestone)s is due %(date)s, in %(days)d days",
                days,
            ) % {**values, "days": days}
        add(milestone.project, f"milestone:{milestone.pk}", section, text, project_link(milestone.project_id))
    return items


def _office_items(today: datetime.date) -> list[ReminderItem]:
    staff = list(User.objects.filter(is_active=True, groups__name=Role.OFFICE).select_related("organization__region"))
    if not staff:
        return []
    items = []

    section = _("Progress reports waiting for your review")
    waiting = (
        ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, project__archived_at__isnull=True)
        .select_related("project__lead_org")
        .order_by("submitted_at", "period", "project__code")
    )
    for report in waiting:
        values = {"project": report.project, "period": report.period, "unit": report.project.lead_org.label}
        if report.submitted_at:
            text = _("%(project)s, %(period)s, from %(unit)s, submitted %(date)s") % {
                **values,
                "date": timezone.localdate(report.submitted_at).isoformat(),
            }
        else:
            text = _("%(project)s, %(period)s, from %(unit)s") % values
        # The office of the report's own region reviews it (``RegionScope``: writes stay in the own region).
        items.extend(
            ReminderItem(user, f"review:{report.pk}", section, text, review_link())
            for user in staff
            if user.region_scope.allows(report, "change")
        )

    section = _("Projects that turned red")
    red = (
        Project.objects.top_level()
        .with_figures(today)
        .filter(health=Health.RED)
        .select_related("lead_org")
        .order_by("-days_late", "code")
    )
    for project in red:
        values = {
            "project": project,
            "unit": project.lead_org.label,
            "progress": project.progress,
            "planned": project.planned_progress,
            "days": round(project.days_late),
        }
        if values["days"]:
            text = (
                ngettext(
                    "%(project)s (%(unit)s): %(progress).0f%% done against %(planned).0f%% planned, "
                    "a milestone %(days)d day late",
                    "%(project)s (%(unit)s): %(progress).0f%% done against %(planned).0f%% planned, "
                    "a milestone %(days)d days late",
                    values["days"],
                )
                % values
            )
        else:
            text = _("%(project)s (%(unit)s): %(progress).0f%% done against %(planned).0f%% planned") % values
        # Every office that reads the project hears of it: its own region's and those above, with their roll-ups.
        items.extend(
            ReminderItem(user, f"red:{project.pk}", section, text, project_link(project.pk), once=True)
            for user in staff
            if user.region_scope.allows(project, "view")
        )
    return items
