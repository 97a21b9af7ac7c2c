"""The annual key-project lists' course (年度重点项目计划): a district office submits its region's list for a year to
the office of the region above, which approves it or returns it with a reason; a returned list is submitted again.
A region with no office above (the top of the deployment, or a deployment without regions) approves its own list.

A list holds the region's own projects only (``Project.region``; the projects of no region where there are no
regions), never those of the regions below. Their planned dates and investment are frozen when the list is submitted,
so the office above approves what it saw; a resubmission after a return freezes them afresh. Approval makes the list
the region's baseline for the year: slippage is measured against approved lists only
(``ProjectBaselineQuerySet.approved``). An approved list of a district is final. A region that approves its own may
approve again, which adds the projects added since; frozen rows never change once approved.

Every move records a ``BaselineEvent`` (who, when, the status before and after, the note or reason).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ActionForbidden, WorkflowError

from ..choices import KeyListStatus, ProjectStatus
from ..models import Baseline, BaselineEvent, Project, ProjectBaseline, deciding_region


def may_submit(actor: User) -> bool:
    """An office user of a region whose list goes to the office above."""
    return actor.has_perm("projects.add_baseline") and deciding_region(actor.region) is not None


def may_decide(actor: User, baseline: Baseline) -> bool:
    """An office user of the region directly above the list's (never the list's own region)."""
    if not actor.has_perm("projects.add_baseline") or actor.region is None:
        return False
    return deciding_region(baseline.region) == actor.region


def key_list_submit(*, actor: User, year: int, note: str = "") -> Baseline:
    """A district office submits its region's list for ``year`` to the office above (again, after a return)."""
    if not actor.has_perm("projects.add_baseline"):
        raise ActionForbidden(_("Only smart-city office staff submit the year's key-project list."))
    region = actor.region
    above = deciding_region(region)
    if above is None:
        raise ActionForbidden(_("No office above yours approves your list: approve your own year's list instead."))
    now = timezone.now()
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            region=region,
            year=year,
            defaults={"status": KeyListStatus.SUBMITTED, "submitted_by": actor, "submitted_at": now, "note": note},
        )
        from_status = "" if created else baseline.status
        if from_status == KeyListStatus.SUBMITTED:
            raise WorkflowError(
                _("The %(year)s list has been submitted already and awaits the decision of %(office)s.")
                % {"year": year, "office": above.office}
            )
        if from_status == KeyListStatus.APPROVED:
            raise WorkflowError(_("The %(year)s list has been approved: it is final.") % {"year": year})
        if from_status == KeyListStatus.RETURNED:
            baseline.status = KeyListStatus.SUBMITTED
            baseline.submitted_by, baseline.submitted_at = actor, now
            baseline.decided_by, baseline.decided_at, baseline.return_reason = None, None, ""
            baseline.note = note
            baseline.save()
            baseline.entries.all().delete()  # frozen afresh: the list as submitted now is what will be approved
        _freeze(baseline)
        _record(baseline, actor, from_status, note)
    return baseline


def key_list_approve(*, actor: User, baseline: Baseline, note: str = "") -> Baseline:
    """The office of the region above approves a submitted list: it becomes the region's baseline for its year."""
    return _decide(actor=actor, baseline=baseline, to_status=KeyListStatus.APPROVED, note=note)


def key_list_return(*, actor: User, baseline: Baseline, reason: str) -> Baseline:
    """The office of the region above returns a submitted list with ``reason``; the district submits it again."""
    return _decide(actor=actor, baseline=baseline, to_status=KeyListStatus.RETURNED, note=(reason or "").strip())


def baseline_approve(*, actor: User, year: int, note: str = "") -> tuple[Baseline, int]:
    """A region with no office above approves its own list for ``year``: freeze the planned dates and investment of
    each of its projects planned to run in ``year`` (cancelled ones aside). Approving again adds projects added since;
    frozen rows never change. A region whose list goes to the office above is refused.

    Returns the list and the number of projects newly frozen.
    """
    if not actor.has_perm("projects.add_baseline"):
        raise ActionForbidden(_("Only smart-city office staff approve the year's project list."))
    region = actor.region
    above = deciding_region(region)
    if above is not None:
        message = _("%(region)s submits its list to %(office)s, which approves it.")
        raise ActionForbidden(message % {"region": region, "office": above.office})
    now = timezone.now()
    with transaction.atomic():
        baseline, created = Baseline.objects.select_for_update().get_or_create(
            region=region,
            year=year,
            defaults={"status": KeyListStatus.APPROVED, "decided_by": actor, "decided_at": now, "note": note},
        )
        from_status = "" if created else baseline.status
        if not created and (note or baseline.status != KeyListStatus.APPROVED):
            if baseline.status != KeyListStatus.APPROVED:
                # A list sent upward before the region above lost its office: approved here now.
                baseline.status, baseline.decided_by, baseline.decided_at = KeyListStatus.APPROVED, actor, now
                baseline.return_reason = ""
            baseline.note = note or baseline.note
            baseline.save()
        added = _freeze(baseline)
        _record(baseline, actor, from_status, note)
    return baseline, added


def _decide(*, actor: User, baseline: Baseline, to_status: str, note: str) -> Baseline:
    with transaction.atomic():
        baseline = Baseline.objects.select_for_update(of=("self",)).select_related("region").get(pk=baseline.pk)
        if not may_decide(actor, baseline):
            above = deciding_region(baseline.region)
            raise ActionForbidden(
                _("Only the smart-city office of %(region)s approves or returns this list.") % {"region": above}
                if above
                else _("This list is approved by its own region's office, not decided from above.")
            )
        if baseline.status != KeyListStatus.SUBMITTED:
            raise WorkflowError(
                _("Only a list awaiting approval can be approved or returned; this one is %(status)s.")
                % {"status": baseline.get_status_display()}
            )
        if to_status == KeyListStatus.RETURNED and not note:
            raise ValidationError({"reason": _("Give the reason for returning the list.")})
        baseline.status = to_status
        baseline.decided_by, baseline.decided_at = actor, timezone.now()
        baseline.return_reason = note if to_status == KeyListStatus.RETURNED else ""
        baseline.save()
        _record(baseline, actor, KeyListStatus.SUBMITTED, note)
    return baseline


def _freeze(baseline: Baseline) -> int:
    """Freeze the region's own projects planned to run in the list's year that the list does not hold yet."""
    projects = (
        Project.objects.active_in_year(baseline.year)
        .filter(region_id=baseline.region_id)
        .exclude(status=ProjectStatus.CANCELLED)
        .exclude(pk__in=baseline.entries.values("project_id"))
        .values_list("pk", "planned_start", "planned_end", "total_investment")
    )
    entries = ProjectBaseline.objects.bulk_create(
        ProjectBaseline(baseline=baseline, project_id=pk, planned_start=start, planned_end=end, total_investment=money)
        for pk, start, end, money in projects
    )
    return len(entries)


def _record(baseline: Baseline, actor: User, from_status: str, note: str) -> BaselineEvent:
    return BaselineEvent.objects.create(
        baseline=baseline, actor=actor, from_status=from_status, to_status=baseline.status, note=note
    )
