"""The monthly reports' course: a unit files or revises its reports; the office approves them or returns one with
its reason."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.concurrency import check_version
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError

from ..choices import ReportStatus
from ..models import Milestone, MilestoneCompletion, ProgressReport, User


def progress_report_submit(
    *,
    actor: User,
    data: dict,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    completions: dict[Milestone, datetime.date] | None = None,
) -> ProgressReport:
    """File a new report (``report`` is None; ``data`` names its project and period) or revise one not yet approved.

    Either way the report is (again) waiting for the office's review. ``data`` holds the report's own fields:
    project, period, progress, investment_completed, summary, problems, next_steps, decline_reason. A progress lower
    than the last approved one needs a ``decline_reason``. ``completions`` names the milestones reached and when
    (None keeps those the report names); the office's approval sets their actual dates. A revision made on an older
    ``expected_version`` than the report's is refused (``StaleVersionError``).
    """
    with transaction.atomic():
        if report is None:
            report, action = ProgressReport(), "add"
        else:
            check_version(report, expected_version)
            report, action = ProgressReport.objects.select_for_update().get(pk=report.pk), "change"
            if report.status == ReportStatus.APPROVED:
                raise WorkflowError(_("This report has been approved and can no longer be changed."))
        for field, value in data.items():
            setattr(report, field, value)
        if not actor.can(action, report):
            raise ActionForbidden(_("You may only report on projects led by your own unit."))
        check_report_rules(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.full_clean()
        report._history_user = actor
        report.save()
        if completions is not None:
            _set_completions(report, completions)
    return report


def check_report_rules(report: ProgressReport):
    """What a report must satisfy beyond its fields, on every path (the reporting page, the API, an import's preview
    and its writing): a phase does not report (its project does), and a progress lower than the last approved one
    of an earlier month says why."""
    if report.project.parent_id:
        # The phase rule: a project with phases reports once, on itself.
        raise ValidationError(
            {
                "project": _("%(phase)s is a phase of %(parent)s: report its progress on %(parent)s.")
                % {"phase": report.project, "parent": report.project.parent}
            }
        )
    last_approved = (
        ProgressReport.objects.filter(project=report.project, status=ReportStatus.APPROVED, period__lt=report.period)
        .order_by("-period")
        .values_list("progress", "period")
        .first()
    )
    declined = last_approved and report.progress is not None and report.progress < last_approved[0]
    if declined and not (report.decline_reason or "").strip():
        raise ValidationError(
            {
                "decline_reason": _("The progress is lower than the %(progress)s%% approved for %(period)s: say why.")
                % {"progress": last_approved[0], "period": last_approved[1]}
            }
        )


def _set_completions(report: ProgressReport, completions: dict[Milestone, datetime.date]):
    """The milestones the report says were reached (open milestones of its project, by a day of the period or
    before)."""
    year, month = map(int, report.period.split("-"))
    period_end = add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)
    errors = []
    for milestone, day in completions.items():
        if milestone.project_id != report.project_id or milestone.actual_date is not None:
            errors.append(_("%(milestone)s is not an open milestone of this project.") % {"milestone": milestone.name})
        elif day > min(period_end, timezone.localdate()):
            errors.append(
                _("%(milestone)s: a milestone reached in this report is reached by %(day)s.")
                % {"milestone": milestone.name, "day": min(period_end, timezone.localdate()).isoformat()}
            )
    if errors:
        raise ValidationError({"completions": errors})
    report.completions.all().delete()
    MilestoneCompletion.objects.bulk_create(
        MilestoneCompletion(report=report, milestone=milestone, actual_date=day)
        for milestone, day in completions.items()
    )


def progress_report_approve(*, actor: User, report: ProgressReport, comment: str = "") -> ProgressReport:
    """The office accepts a submitted report; from then on it counts for the project's progress."""
    return _review(actor=actor, report=report, to_status=ReportStatus.APPROVED, comment=comment)


def progress_report_return(*, actor: User, report: ProgressReport, comment: str) -> ProgressReport:
    """The office sends a submitted report back to the unit with a reason."""
    if not (comment or "").strip():
        raise WorkflowError(_("Give the reason for returning the report."))
    return _review(actor=actor, report=report, to_status=ReportStatus.RETURNED, comment=comment.strip())


def _review(*, actor: User, report: ProgressReport, to_status: str, comment: str) -> ProgressReport:
    if not actor.has_perm("projects.review_progressreport"):
        raise ActionForbidden(_("Only smart-city office staff review progress reports."))
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise WorkflowError(
                _("Only a submitted report can be reviewed; this one is %(status)s.")
                % {"status": report.get_status_display()}
            )
        report.status = to_status
        report.reviewer = actor
        report.reviewed_at = timezone.now()
        report.review_comment = comment
        report._history_user = actor
        report.save()
        if to_status == ReportStatus.APPROVED:
            # The milestones the report names as reached get their actual dates now, under the reviewer's name.
            reached = dict(report.completions.values_list("milestone_id", "actual_date"))
            for milestone in Milestone.objects.select_for_update().filter(pk__in=reached, actual_date__isnull=True):
                milestone.actual_date = reached[milestone.pk]
                milestone._history_user = actor
                milestone.save(update_fields=["actual_date", "last_updated"])
    return report
