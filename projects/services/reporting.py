"""The monthly reports' course: a unit files or revises its reports (one at a time, or a page of them at once), with
their site photos; the office approves them (one, or several at once) or returns one with its reason. Every move
records a ``ProgressReportEvent`` (who, when, the status before and after, the note), whichever path made it: the
pages, the API or an import."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from attachments import services as attachments
from attachments.choices import AttachmentKind
from attachments.models import Attachment
from common.concurrency import check_version
from common.dates import add_months
from common.exceptions import ActionForbidden, WorkflowError
from notifications.choices import NotificationKind
from notifications.services import members_of, notify

from .. import signals
from ..choices import ProjectStatus, ProjectTier, ReportStatus
from ..models import Milestone, MilestoneCompletion, ProgressReport, ProgressReportEvent, Project


def progress_report_submit(
    *,
    actor: User,
    data: dict,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    completions: dict[Milestone, datetime.date] | None = None,
    photos: Sequence = (),
    photos_follow: bool = False,
) -> ProgressReport:
    """File a new report (``report`` is None; ``data`` names its project and period) or revise one not yet approved.

    Either way the report is (again) waiting for the office's review. ``data`` holds the report's own fields:
    project, period, progress, investment_completed, summary, problems, next_steps, decline_reason. A progress lower
    than the last approved one needs a ``decline_reason``. ``completions`` names the milestones reached and when
    (None keeps those the report names); the office's approval sets their actual dates. ``photos`` (uploaded files)
    are kept with the report in the same transaction: a refused file refuses the filing, and a report that needs a
    site photo (``report_needs_photo``) is refused without one, unless ``photos_follow``: a spreadsheet import
    carries no files, so its reports are filed and their photos added afterwards (the approval checks them). A
    revision made on an older ``expected_version`` than the report's is refused (``StaleVersionError``).
    """
    added: list[Attachment] = []
    try:
        return _submit(actor, data, report, expected_version, completions, photos, added, photos_follow)
    except BaseException:
        attachments.discard_files(added)
        raise


@transaction.atomic
def _submit(
    actor, data, report, expected_version, completions, photos, added: list[Attachment], photos_follow=False
) -> ProgressReport:
    """``progress_report_submit`` in its transaction; the photos it keeps are appended to ``added``, so that the
    caller can take their files off the disk again when the transaction rolls back."""
    if report is None:
        report, action, from_status = ProgressReport(), "add", ""
    else:
        check_version(report, expected_version)
        report, action = ProgressReport.objects.select_for_update().get(pk=report.pk), "change"
        if report.status == ReportStatus.APPROVED:
            raise WorkflowError(_("This report has been approved and can no longer be changed."))
        from_status = report.status
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
    if photos:
        try:
            added.extend(attachments.attach(actor=actor, obj=report, files=photos, kind=AttachmentKind.PHOTO))
        except ValidationError as refusal:
            raise ValidationError({"photos": refusal.messages}) from refusal
    if not photos_follow and report_needs_photo(report.project) and not report.attachments.photos().exists():
        raise ValidationError({"photos": photo_rule_message(report.project)}, code="photo_required")
    record_report_event(report=report, actor=actor, from_status=from_status)
    return report


# The tiers whose reports under construction show their 形象进度 by photo: key projects and pilots (national ones too).
PHOTO_EVIDENCE_TIERS = (ProjectTier.KEY, ProjectTier.PILOT, ProjectTier.NATIONAL_PILOT)


def report_needs_photo(project: Project) -> bool:
    """The site-photo rule (``ATTACHMENTS["REQUIRE_REPORT_PHOTO"]``): a report of a key or pilot project under
    construction carries at least one site photo (现场照片), checked when it is filed (page and API) and again when
    the office approves it. Reports of other projects may carry photos but need none."""
    return (
        settings.ATTACHMENTS["REQUIRE_REPORT_PHOTO"]
        and project.tier in PHOTO_EVIDENCE_TIERS
        and project.status == ProjectStatus.IN_PROGRESS
    )


def photo_rule_message(project: Project) -> str:
    return _(
        "%(project)s is a %(tier)s under construction: its report needs at least one site photo as evidence of the "
        "progress on site."
    ) % {"project": project, "tier": project.get_tier_display()}


@dataclass(frozen=True)
class ReportFiling:
    """One report of a page of reports: a new one on ``project`` (``report`` None) or a revision of ``report``, with
    its own fields (``data``), the version it was opened with, the milestones it says were reached and the site photos
    sent with it (uploaded files)."""

    project: Project
    data: dict
    report: ProgressReport | None = None
    expected_version: int | None = None
    completions: dict[Milestone, datetime.date] | None = None
    photos: Sequence = ()


class FilingRefused(Exception):
    """A report of a page was refused, so nothing of the page was saved: ``index`` says which of the filings given,
    ``error`` why (a ``ValidationError``, or a ``WorkflowError`` such as ``StaleVersionError``)."""

    def __init__(self, index: int, error: ValidationError | WorkflowError):
        super().__init__(str(error))
        self.index = index
        self.error = error


def progress_reports_submit(*, actor: User, period: str, filings: Sequence[ReportFiling]) -> list[ProgressReport]:
    """File or revise a page of reports for ``period`` (the reporting page's), all of them or none, each as
    ``progress_report_submit`` does, photos included. The first report refused stops the page (``FilingRefused``),
    and the photos of the reports before it are taken off the disk again; a report the actor may not file (another
    unit's project) is ``ActionForbidden``. Returns the reports saved."""
    added: list[Attachment] = []
    try:
        with transaction.atomic():
            return [_file(actor, period, index, filing, added) for index, filing in enumerate(filings)]
    except BaseException:
        attachments.discard_files(added)
        raise


def _file(actor: User, period: str, index: int, filing: ReportFiling, added: list[Attachment]) -> ProgressReport:
    data = dict(filing.data)
    if filing.report is None:
        data.update(project=filing.project, period=period)
    try:
        return _submit(actor, data, filing.report, filing.expected_version, filing.completions, filing.photos, added)
    except (ValidationError, WorkflowError) as error:
        raise FilingRefused(index, error) from error


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


@transaction.atomic
def progress_reports_approve(
    *, actor: User, reports: Iterable[ProgressReport], comment: str = ""
) -> tuple[list[ProgressReport], list[tuple[ProgressReport, str]]]:
    """The office approves several submitted reports at once (the review queue's ticked ones, the API's list), in
    the order given. A report no longer awaiting review (someone reviewed it meanwhile) is left out, with the reason;
    any other failure approves none. Returns the reports approved and those refused with the reason for each."""
    _check_reviewer(actor)
    order = [report.pk for report in reports]
    # Locked in the order of their keys: two batches over the same reports wait for each other, never in a circle.
    locked = ProgressReport.objects.select_for_update(of=("self",)).select_related("project").order_by("pk")
    locked = actor.scope(locked, "change")  # another region's report is not the reviewer's to tick
    by_pk = {report.pk: report for report in locked.filter(pk__in=order)}
    approved, refused = [], []
    for pk in dict.fromkeys(order):
        report = by_pk.get(pk)
        if report is None:
            continue  # gone meanwhile, as if never ticked
        try:
            _move(actor, report, ReportStatus.APPROVED, comment)
        except WorkflowError as error:
            refused.append((report, str(error.message)))
        else:
            approved.append(report)
    return approved, refused


def _check_reviewer(actor: User):
    if not actor.has_perm("projects.review_progressreport"):
        raise ActionForbidden(_("Only smart-city office staff review progress reports."))


def _review(*, actor: User, report: ProgressReport, to_status: str, comment: str) -> ProgressReport:
    _check_reviewer(actor)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        _move(actor, report, to_status, comment)
    return report


def _move(actor: User, report: ProgressReport, to_status: str, comment: str):
    """Review ``report`` (locked by the caller): refused (409) unless it awaits review, and (403) unless it is of the
    reviewer's own region: each office reviews its own region's reports."""
    if not actor.region_scope.allows(report, "change"):
        raise ActionForbidden(_("Each smart-city office reviews the reports of its own region."))
    if report.status != ReportStatus.SUBMITTED:
        raise WorkflowError(
            _("Only a submitted report can be reviewed; this one is %(status)s.")
            % {"status": report.get_status_display()}
        )
    if to_status == ReportStatus.APPROVED:
        check_photo_before_approval(report)
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
    event = record_report_event(report=report, actor=actor, from_status=ReportStatus.SUBMITTED, note=comment)
    if to_status == ReportStatus.RETURNED:
        notify(
            members_of([report.project.lead_org_id], [Role.LIAISON]),
            kind=NotificationKind.REPORT_RETURNED,
            title=_("Progress report returned: %(project)s, %(period)s")
            % {"project": report.project, "period": report.period},
            text=comment,
            url=f"{reverse('progress-reporting')}?period={report.period}",
            key=f"report-returned:{event.pk}",
        )
    if to_status == ReportStatus.APPROVED:
        reached_names = "、".join(Milestone.objects.filter(pk__in=reached).values_list("name", flat=True))
        text = _("Report for %(period)s approved: progress %(progress)s%%.") % {
            "period": report.period,
            "progress": f"{float(report.progress):g}",
        }
        if reached_names:
            text += " " + _("Milestones reached: %(names)s.") % {"names": reached_names}
        signals.project_moved.send(
            sender=Project, project=report.project, actor=actor, what=signals.REPORT_APPROVED, text=text
        )


def check_photo_before_approval(report: ProgressReport):
    """The site-photo rule again when the office approves: a photo may have been removed since the filing, or the
    report filed before the project was under construction."""
    if report_needs_photo(report.project) and not report.attachments.photos().exists():
        raise WorkflowError(
            _("%(report)s cannot be approved without a site photo. %(rule)s")
            % {"report": report, "rule": photo_rule_message(report.project)}
        )


def record_report_event(
    *, report: ProgressReport, actor: User, from_status: str, note: str = ""
) -> ProgressReportEvent:
    """Record a move of ``report`` from ``from_status`` ("" when it is new) to its status now, under ``actor``'s
    name. The services call it with every move; an import that approves a figure itself calls it too."""
    return ProgressReportEvent.objects.create(
        report=report, actor=actor, from_status=from_status, to_status=report.status, note=note
    )
