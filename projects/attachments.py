"""Which of the portfolio's objects take files, of which kinds, and who adds them (``attachments.registry``)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.choices import PROJECT_DOCUMENT_KINDS, AttachmentKind
from attachments.registry import register

from .choices import ProjectStatus, ReportStatus
from .models import Milestone, ProgressReport, Project


def report_takes_files(user, report: ProgressReport) -> bool:
    """The reporting unit (or the office) adds photos until the report is approved; what was approved stays."""
    return user.is_authenticated and report.status != ReportStatus.APPROVED and user.can("change", report)


def report_month(report: ProgressReport) -> datetime.date:
    year, month = report.period.split("-")
    return datetime.date(int(year), int(month), 1)


def describe_report(report: ProgressReport) -> str:
    return _("%(project)s, report of %(period)s") % {"project": report.project, "period": report.period}


# Every document of a project's file is dated: the day it was issued, signed or drawn up.
DATED_KINDS = (
    AttachmentKind.APPROVAL,
    AttachmentKind.FEASIBILITY,
    AttachmentKind.DESIGN,
    AttachmentKind.TENDER,
    AttachmentKind.CONTRACT,
    AttachmentKind.ACCEPTANCE,
)
# The approval, the feasibility study and the preliminary design are each approved by an official reply (批复) whose
# 文号 the office files and cites them by. A tender's 招标编号 is given by the trading platform only for open tenders
# (not for 单一来源 or 询价), a contract's number is the unit's own and often absent, and an acceptance report is
# signed by the expert panel rather than issued as a 公文: for these the number is kept when there is one.
NUMBERED_KINDS = (AttachmentKind.APPROVAL, AttachmentKind.FEASIBILITY, AttachmentKind.DESIGN)


def check_project_document(kind: str, number: str, issued_on: datetime.date | None):
    """A project's document comes with its kind and, unless it is "other", its date (and 文号 where one is issued)."""
    if not kind:
        raise ValidationError(
            _("Choose what the document is: project approval, feasibility study, preliminary design and so on."),
            code="kind",
        )
    label = AttachmentKind(kind).label
    if kind in NUMBERED_KINDS and not (number or "").strip():
        raise ValidationError(
            _("Give the document number (文号) of the %(kind)s, as printed on it.") % {"kind": label}, code="number"
        )
    if kind in DATED_KINDS and issued_on is None:
        raise ValidationError(_("Give the date of the %(kind)s.") % {"kind": label}, code="issued_on")
    if issued_on is not None and issued_on > timezone.localdate():
        raise ValidationError(_("A document's date cannot lie in the future."), code="issued_on")


def project_takes_files(user, project: Project) -> bool:
    return user.is_authenticated and not project.is_archived and user.can("change", project)


def project_document_kept(attachment, project: Project) -> str:
    """An accepted project's acceptance report is what the office confirmed the acceptance on: it stays in the file
    (another version may be added beside it)."""
    if attachment.kind == AttachmentKind.ACCEPTANCE and project.status == ProjectStatus.ACCEPTED:
        return _("Acceptance was confirmed on this acceptance report: it stays in the project file.")
    return ""


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
    register(
        Project,
        kinds=PROJECT_DOCUMENT_KINDS,
        may_add=project_takes_files,
        check=check_project_document,
        kept=project_document_kept,
    )
