"""Writes that follow a workflow or touch several rows. Views, the API, imports and commands all call these."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings

from common.concurrency import check_version
from common.exceptions import ActionForbidden, WorkflowError

from .choices import ProjectStatus, ReportStatus
from .models import Baseline, Organization, ProgressReport, Project, ProjectBaseline, User


def progress_report_submit(
    *, actor: User, data: dict, report: ProgressReport | None = None, expected_version: int | None = None
) -> ProgressReport:
    """File a new report (``report`` is None; ``data`` names its project and period) or revise one not yet approved.

    Either way the report is (again) waiting for the office's review. ``data`` holds the report's own fields:
    project, period, progress, investment_completed, summary, problems, next_steps. A revision made on an older
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
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = timezone.now()
        report.full_clean()
        report._history_user = actor
        report.save()
    return report


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
    return report


def baseline_approve(*, actor: User, year: int, note: str = "") -> tuple[Baseline, int]:
    """The office approves the year's project list: freeze the planned dates and investment of every project planned
    to run in ``year`` (cancelled ones aside). Approving again adds projects added since; frozen rows never change.

    Returns the baseline and the number of projects newly frozen.
    """
    if not actor.has_perm("projects.add_baseline"):
        raise ActionForbidden(_("Only smart-city office staff approve the year's project list."))
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            year=year, defaults={"approved_by": actor, "approved_at": timezone.now(), "note": note}
        )
        if not created and note:
            baseline.note = note
            baseline.save(update_fields=["note", "last_updated"])
        frozen = baseline.entries.values("project_id")
        projects = (
            Project.objects.active_in_year(year)
            .exclude(status=ProjectStatus.CANCELLED)
            .exclude(pk__in=frozen)
            .values_list("pk", "planned_start", "planned_end", "total_investment")
        )
        entries = ProjectBaseline.objects.bulk_create(
            ProjectBaseline(
                baseline=baseline, project_id=pk, planned_start=start, planned_end=end, total_investment=money
            )
            for pk, start, end, money in projects
        )
    return baseline, len(entries)


def archive(*, actor: User, obj: Project | Organization) -> Project | Organization:
    """Take a project or a unit out of the lists, the figures and the choices; its rows and history stay.

    Users never delete these (only a superuser purges, in the admin). A unit that still leads projects or has
    units under it stays, so that no listed project loses its lead unit.
    """
    if not actor.can("delete", obj):
        raise ActionForbidden(_("You may not archive %(object)s.") % {"object": obj})
    model = type(obj)
    with transaction.atomic():
        obj = model.all_objects.select_for_update().get(pk=obj.pk)
        if obj.is_archived:
            return obj
        if isinstance(obj, Organization):
            blockers = [*Project.objects.filter(lead_org=obj), *Organization.objects.filter(parent=obj)]
            if blockers:
                names = "、".join(str(blocker) for blocker in blockers[:5]) + ("…" if len(blockers) > 5 else "")
                raise WorkflowError(
                    _("%(unit)s still leads or heads these, archive or move them first: %(records)s")
                    % {"unit": obj, "records": names}
                )
        obj.archive(actor)
    return obj


def restore(*, actor: User, obj: Project | Organization) -> Project | Organization:
    """Bring an archived project or unit back into the lists and figures."""
    if not actor.can("delete", obj):
        raise ActionForbidden(_("You may not restore %(object)s.") % {"object": obj})
    with transaction.atomic():
        obj = type(obj).all_objects.select_for_update().get(pk=obj.pk)
        if obj.is_archived:
            obj.restore(actor)
    return obj


# API tokens (django-rest-knox): one per device that asked for it, each expiring after REST_KNOX["TOKEN_TTL"].


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user`` (a device's): the stored row and the token itself, shown this once. A user keeps
    at most ``API_TOKENS_PER_USER`` tokens: the oldest beyond them, and any expired, are revoked."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per user
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        tokens = AuthToken.objects.filter(user=user)
        tokens.filter(expiry__lte=timezone.now()).delete()
        kept = tokens.order_by("-created").values_list("digest", flat=True)[: settings.API_TOKENS_PER_USER]
        tokens.exclude(digest__in=list(kept)).delete()
    return instance, token


def api_tokens_revoke(*, user: User, digest: str | None = None) -> int:
    """Revoke one of ``user``'s tokens (by its digest), or all of them; how many were revoked."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
    count, _by_model = tokens.delete()
    return count
