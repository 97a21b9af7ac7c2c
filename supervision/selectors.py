"""What the pages, the to-do lists, the scorecard and the statistics read: written once, in the querysets' terms."""

import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Organization, User
from projects.choices import Health
from projects.models import Project
from projects.reminders import report_due_date

from .choices import CommitmentStatus, NoticeLevel
from .models import Chase, Commitment, Instruction, Notice
from .querysets import ANSWERED_ON_TIME


def missing_reports(user: User, period: str):
    """The projects of the user's own region (where they write) that must report for ``period`` and have no report
    in any state: what the office chases."""
    return user.scope(Project.objects.without_report(period), "change", located=False)


def units_to_chase(user: User, period: str, today: datetime.date | None = None) -> list[dict]:
    """Every unit with missing reports for ``period``: how many, whether the due day has passed, when it was last
    chased. Its length is the office's 未报送 count."""
    today = today or timezone.localdate()
    year, month = map(int, period.split("-"))
    due = report_due_date(datetime.date(year, month, 1))
    rows = (
        missing_reports(user, period)
        .values("lead_org")
        .annotate(missing=Count("pk"))
        .order_by("-missing", "lead_org__name")
    )
    counts = {row["lead_org"]: row["missing"] for row in rows}
    units = Organization.all_objects.in_bulk(list(counts))
    last_chased = dict(
        Chase.objects.filter(unit__in=list(counts), period=period)
        .values("unit")
        .annotate(last=Max("chased_on"))
        .values_list("unit", "last")
    )
    return [
        {
            "unit": units[unit_id],
            "missing": missing,
            "overdue": today > due,
            "due": due,
            "last_chased": last_chased.get(unit_id),
            "chased_today": last_chased.get(unit_id) == today,
        }
        for unit_id, missing in counts.items()
    ]


def reads_own_unit_only(user: User) -> bool:
    """A unit's people read their own unit's notices, instructions and promises only (others' are between those units
    and the office or the committee); staff, the committee and leaders read every unit's within their regions."""
    return not (
        user.is_superuser
        or user.sees_all_units
        or user.has_perm("proposals.handle_proposal")
        or user.has_perm("supervision.escalate_notice")
    )


def notices_for(user: User):
    """The notices a user reads: the region rule, and ``reads_own_unit_only``."""
    rows = user.scope(Notice.objects.all())
    if reads_own_unit_only(user):
        rows = rows.filter(unit_id=user.organization_id)
    return rows


def red_without_notice(user: User, today: datetime.date | None = None):
    """Red projects of the office's own region with no open notice: the office decides whether to issue one."""
    open_notices = Notice.objects.open().filter(project__isnull=False).values("project")
    return (
        user.scope(Project.objects.top_level(), "change", located=False)
        .with_stored_figures(today)
        .filter(health=Health.RED)
        .exclude(pk__in=open_notices)
        .select_related("lead_org")
        .order_by("-days_late", "code")
    )


def instructions_for(user: User):
    rows = user.scope(Instruction.objects.all())
    if reads_own_unit_only(user):
        return rows.filter(units=user.organization_id).distinct()
    return rows


def commitments_for(user: User):
    rows = user.scope(Commitment.objects.all())
    if reads_own_unit_only(user):
        return rows.filter(unit_id=user.organization_id)
    return rows


def commitment_figures(commitments, today: datetime.date) -> dict:
    """落实率, in one query: of the promises whose date has come (``CommitmentQuerySet.due``), the share the committee
    confirmed fulfilled; with the recorded, fulfilled and overdue (``overdue``) counts."""
    due = Q(due_date__lt=today)
    fulfilled = Q(status=CommitmentStatus.FULFILLED)
    figures = commitments.order_by().aggregate(
        recorded=Count("pk"),
        due=Count("pk", filter=due),
        fulfilled_due=Count("pk", filter=due & fulfilled),
        fulfilled=Count("pk", filter=fulfilled),
        overdue=Count("pk", filter=due & Q(status__in=CommitmentStatus.unfulfilled())),
    )
    figures["rate"] = round(100 * figures["fulfilled_due"] / figures["due"], 1) if figures["due"] else None
    return figures


def notice_counts_by_unit(notices, today: datetime.date, group: str = "unit") -> dict[int, dict]:
    """Per unit (or per ``group``, e.g. ``unit__region``), in one query: notices due (deadline passed), answered on
    time (first answer by the deadline, as ``NoticeQuerySet.answered_on_time``), escalated
    (``NoticeQuerySet.escalated``) — the scorecard's columns."""
    due = Q(deadline__lt=today)
    rows = (
        notices.with_first_answer_day()
        .order_by()
        .values(group)
        .annotate(
            due=Count("pk", filter=due),
            answered_on_time=Count("pk", filter=due & ANSWERED_ON_TIME),
            escalated=Count("pk", filter=Q(escalated_on__isnull=False) | Q(level=NoticeLevel.RED)),
        )
    )
    return {row[group]: {key: row[key] for key in ("due", "answered_on_time", "escalated")} for row in rows}
