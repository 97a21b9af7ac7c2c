"""Which of the portfolio's objects take files, of which kinds, and who adds them (``attachments.registry``)."""

import datetime

from django.utils.translation import gettext as _

from attachments.choices import PROJECT_DOCUMENT_KINDS, AttachmentKind
from attachments.registry import register

from .choices import ReportStatus
from .models import Milestone, ProgressReport, Project


def report_takes_files(user, report: ProgressReport) -> bool:
    """The reporting unit (or the office) adds photos until the report is approved; what was approved stays."""
    return user.is_authenticated and report.status != ReportStatus.APPROVED and user.can("change", report)


def report_month(report: ProgressReport) -> datetime.date:
    year, month = report.period.split("-")
    return datetime.date(int(year), int(month), 1)


def describe_report(report: ProgressReport) -> str:
    return _("%(project)s, report of %(period)s") % {"project": report.project, "period": report.period}


def project_takes_files(user, project: Project) -> bool:
    return user.is_authenticated and not project.is_archived and user.can("change", project)


def milestone_takes_files(user, milestone: Milestone) -> bool:
    return user.is_authenticated and not milestone.project.is_archived and user.can("change", milestone)


def describe_milestone(milestone: Milestone) -> str:
    return _("%(project)s, milestone %(name)s") % {"project": milestone.project, "name": milestone.name}


def register_targets():
    register(
        ProgressReport,
        kinds=(AttachmentKind.PHOTO, AttachmentKind.OTHER),
        may_add=report_takes_files,
        evidence_start=report_month,
        describe=describe_report,
        describe_with=("project",),
    )
    register(
        Milestone,
        kinds=(AttachmentKind.PHOTO, AttachmentKind.OTHER),
        may_add=milestone_takes_files,
        describe=describe_milestone,
        describe_with=("project",),
    )
    register(Project, kinds=PROJECT_DOCUMENT_KINDS, may_add=project_takes_files)
