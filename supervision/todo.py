"""Supervision's to-do lists on the start page (``accounts.todo``): a unit's notices to answer, instructions to carry
out and promises to keep; the office's chasing list, red projects without a notice, notices to review, overdue
notices and the instructions it tracks; the committee's promises to confirm and promising replies without a promise;
the leader's own instructions and the notices listed red (挂牌督办)."""

import datetime

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.todo import Section, for_leader, for_unit, link, register_sections
from projects.selectors import current_period
from proposals.models import Reply

from . import selectors
from .choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus
from .models import Commitment, Instruction
from .services.commitments import PROMISING_CLASSES


def for_office(user) -> bool:
    return user.has_perm("supervision.add_chase")


def for_committee(user) -> bool:
    return user.has_perm("supervision.confirm_commitment")


ABOUT_PROJECTS = Q(project__isnull=False)
ABOUT_PROPOSALS = Q(proposal__isnull=False)


def issued_notices(user, about: Q):
    """The notices the user's side issued (its own region's, on projects or on proposals), to review or chase."""
    return (
        user.scope(selectors.notices_for(user), "change")
        .filter(about)
        .select_related("unit", "project", "proposal")
        .order_by("deadline", "pk")
    )


def units_to_chase(user, today):
    """The units with reports missing this month (``selectors.units_to_chase``'s units), by name."""
    missing = selectors.missing_reports(user, current_period(today)).values("lead_org")
    return Organization.all_objects.filter(pk__in=missing).order_by("name")


def chasing_rows(user, today, limit):
    period = current_period(today)
    return [{**row, "period": period} for row in selectors.units_to_chase(user, period, today)[:limit]]


def tracked_instructions(user):
    """Open instructions on the office's own region's projects, or on notices about them."""
    about_projects = Q(project__isnull=False) | Q(notice__project__isnull=False)
    return (
        user.scope(selectors.instructions_for(user).open(), "change")
        .filter(about_projects)
        .select_related("leader", "project", "proposal", "notice")
        .order_by("due_date", "pk")
    )


# Promises are recorded for the replies of the last year: older letters went out before the platform kept promises.
PROMISE_LOOKBACK_DAYS = 366


def replies_without_promise(user, today):
    """Issued replies of class A or B of the last year, of the proposal's current round, with no promise recorded."""
    replies = (
        Reply.objects.issued()
        .filter(round=F("proposal__round"), result_class__code__in=PROMISING_CLASSES)
        .filter(issued_on__gte=today - datetime.timedelta(days=PROMISE_LOOKBACK_DAYS))
        .filter(proposal__archived_at__isnull=True)
        .exclude(pk__in=Commitment.objects.values("reply_id"))
    )
    return (
        user.scope(replies, "change")
        .select_related("unit", "result_class", "proposal__session")
        .order_by("signed_off_on", "pk")
    )


SECTIONS = [
    # A unit's people
    Section(
        key="notices_to_answer",
        group="liaison",
        order=5,
        title=_("Supervision notices to answer"),
        template="supervision/todo/notice.html",
        applies=for_unit,
        rows=lambda user, today: (
            selectors.notices_for(user)
            .awaiting_unit()
            .select_related("unit", "project", "proposal")
            .order_by("deadline", "pk")
        ),
        url=lambda user, today: link("notice-list", status=NoticeStatus.awaiting_unit()),
        empty=_("No supervision notice awaits the unit's answer."),
    ),
    Section(
        key="unit_instructions",
        group="liaison",
        order=40,
        title=_("Leaders' instructions to carry out"),
        template="supervision/todo/instruction.html",
        applies=for_unit,
        rows=lambda user, today: (
            selectors.instructions_for(user)
            .open()
            .select_related("leader", "project", "proposal", "notice")
            .order_by("due_date", "pk")
        ),
        url=lambda user, today: link("instruction-list", status=InstructionStatus.OPEN),
        empty=_("No instruction names the unit."),
    ),
    Section(
        key="unit_commitments",
        group="liaison",
        order=50,
        title=_("Promises in replies still open"),
        template="supervision/todo/commitment.html",
        applies=for_unit,
        rows=lambda user, today: (
            selectors.commitments_for(user)
            .unfulfilled()
            .select_related("unit", "reply__proposal__session")
            .order_by("due_date", "pk")
        ),
        url=lambda user, today: link("commitment-list", status=CommitmentStatus.unfulfilled()),
        empty=_("No promise of the unit is open."),
    ),
    # The office
    Section(
        key="units_to_chase",
        group="office",
        order=10,
        title=_("Units that have not reported this month"),
        template="supervision/todo/chase.html",
        applies=for_office,
        rows=units_to_chase,
        shown=chasing_rows,
        # The chasing page lists the same units, one row each, with the month's 催报 buttons.
        url=lambda user, today: link("chase-list", period=current_period(today)),
        empty=_("Every unit has reported for this month."),
    ),
    Section(
        key="red_without_notice",
        group="office",
        order=45,
        title=_("Red projects without an open notice"),
        template="projects/todo/red_project.html",
        applies=for_office,
        rows=lambda user, today: selectors.red_without_notice(user, today),
        empty=_("Every red project has an open notice."),
    ),
    Section(
        key="notices_to_review",
        group="office",
        order=30,
        title=_("Answered notices to review"),
        template="supervision/todo/notice.html",
        applies=for_office,
        rows=lambda user, today: issued_notices(user, ABOUT_PROJECTS).awaiting_review(),
        empty=_("No answered notice awaits review."),
    ),
    Section(
        key="overdue_notices",
        group="office",
        order=35,
        title=_("Overdue notices"),
        template="supervision/todo/notice.html",
        applies=for_office,
        rows=lambda user, today: issued_notices(user, ABOUT_PROJECTS).overdue(today),
        empty=_("No notice is overdue."),
    ),
    Section(
        key="tracked_instructions",
        group="office",
        order=60,
        title=_("Leaders' instructions being carried out"),
        template="supervision/todo/instruction.html",
        applies=for_office,
        rows=lambda user, today: tracked_instructions(user),
        empty=_("No instruction is being carried out."),
    ),
    # The committee
    Section(
        key="committee_notices_to_review",
        group="committee",
        order=60,
        title=_("Answered notices to review"),
        template="supervision/todo/notice.html",
        applies=for_committee,
        rows=lambda user, today: issued_notices(user, ABOUT_PROPOSALS).awaiting_review(),
        empty=_("No answered notice awaits review."),
    ),
    Section(
        key="commitments_to_confirm",
        group="committee",
        order=70,
        title=_("Promises reported done, awaiting confirmation"),
        template="supervision/todo/commitment.html",
        applies=for_committee,
        rows=lambda user, today: (
            user.scope(selectors.commitments_for(user).filter(status=CommitmentStatus.CLAIMED), "change")
            .select_related("unit", "reply__proposal__session")
            .order_by("due_date", "pk")
        ),
        empty=_("No promise awaits confirmation."),
    ),
    Section(
        key="replies_without_promise",
        group="committee",
        order=80,
        title=_("Class A and B replies with no promise recorded"),
        template="supervision/todo/reply.html",
        applies=for_committee,
        rows=replies_without_promise,
        empty=_("Every class A and B reply has its promise."),
    ),
    # The leader
    Section(
        key="own_instructions",
        group="leader",
        order=30,
        title=_("Your instructions being carried out"),
        template="supervision/todo/instruction.html",
        applies=for_leader,
        rows=lambda user, today: (
            user.scope(Instruction.objects.open().filter(leader=user))
            .select_related("leader", "project", "proposal", "notice")
            .order_by("due_date", "pk")
        ),
        empty=_("None of your instructions is open."),
    ),
    Section(
        key="red_notices",
        group="leader",
        order=40,
        title=_("Notices listed for supervision (挂牌督办)"),
        template="supervision/todo/notice.html",
        applies=for_leader,
        rows=lambda user, today: (
            selectors.notices_for(user)
            .open()
            .filter(level=NoticeLevel.RED)
            .select_related("unit", "project", "proposal")
            .order_by("deadline", "pk")
        ),
        url=lambda user, today: link("notice-list", level=NoticeLevel.RED, status=NoticeStatus.open()),
        empty=_("No notice is listed red."),
    ),
]


def register():
    register_sections(*SECTIONS)
