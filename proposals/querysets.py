"""Derived figures of the proposal workflow, computed by the database so that ledger, API, reminders and statistics
agree. Each rule is written here once; pages, API, exports, the dashboard and reminders call it.

- A proposal is overdue when its units still owe a reply (assigned, re-assignment requested or being handled again)
  and its due date has passed; ``days_left`` counts down to the due date (negative once overdue).
- A unit's assignment is pending while the proposal awaits replies (and no re-assignment is requested) and the unit
  has not done its part in the current round: a lead or separate unit its issued reply, a co-handling unit its
  opinion to the lead unit. Its ``deadline`` is the reply's due date, or for a co-handling unit the opinion's (one
  month after assignment by default, before the lead unit's reply).
- A reply counts once it is issued: signed off by the unit's signer in the system, or recorded by the committee on the
  unit's behalf (代录). Drafts count nowhere. It is on time when signed off (``signed_off_on``) on or before the
  unit's due date as it stood then; the date printed on the letter (``issued_on``) is the unit's to write and is
  shown beside it, never judged.
- A published reply is shown on the public pages while it answers the proposal's current round: once the proposer
  is unsatisfied and the proposal goes back for rehandling, the rejected round's replies leave the public pages
  (they stay in the record, marked as superseded).
- The committee's list of handling units (承办单位名录): its own region's government departments and district
  governments unless the committee took one off, plus the region's units it added; never a CPPCC body, a democratic
  party or a proposer. A CPPCC's proposals go to its own region's units only.

The statistics of a set of proposals (the committee's counts, replies on time and late, result classes,
satisfaction, by unit) are built from these rules in ``proposals.selectors.proposal_statistics``.
"""

import datetime

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.choices import OrganizationKind
from common.db import DaysBetween

from .choices import AssignmentRole, ProposalStatus, ReplyStatus

# The organisations on the committee's list unless it takes them off, and those it may never put on it.
DEFAULT_HANDLING_KINDS = (OrganizationKind.DEPARTMENT, OrganizationKind.DISTRICT)
NEVER_HANDLING_KINDS = (OrganizationKind.CPPCC, OrganizationKind.PARTY)


def _today(today: datetime.date | None):
    return Value(today or timezone.localdate(), output_field=DateField())


def reply_issued(prefix: str = "") -> Q:
    """Issued replies (``prefix`` reaches them through a relation, such as ``replies__``)."""
    return Q(**{f"{prefix}status": ReplyStatus.ISSUED})


def _judged(prefix: str, comparison: str) -> Q:
    # The one rule of lateness: an issued reply's sign-off against the unit's due date as it stood then (never the
    # letter's own date). Late is "gt", on time "lte"; a reply without a due date on record is neither.
    return reply_issued(prefix) & Q(**{f"{prefix}signed_off_on__{comparison}": F(f"{prefix}due_date")})


def reply_late(prefix: str = "") -> Q:
    """Issued replies signed off after the unit's due date: ``ReplyQuerySet.late`` as a condition, for aggregates
    and relations (``prefix`` as in ``reply_issued``)."""
    return _judged(prefix, "gt")


def reply_on_time(prefix: str = "") -> Q:
    """Issued replies signed off on or before the unit's due date: ``ReplyQuerySet.on_time`` as a condition."""
    return _judged(prefix, "lte")


class ProposalQuerySet(models.QuerySet):
    def with_figures(self, today: datetime.date | None = None):
        """Annotate ``overdue`` and ``days_left`` (null when no reply is owed)."""
        day = _today(today)
        owed = Q(status__in=ProposalStatus.awaiting_reply(), due_date__isnull=False)
        return self.annotate(
            days_left=Case(When(owed, then=DaysBetween(F("due_date"), day)), default=None, output_field=FloatField()),
            overdue=Case(
                When(owed & Q(due_date__lt=day), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )

    def overdue(self, today: datetime.date | None = None):
        return self.filter(status__in=ProposalStatus.awaiting_reply(), due_date__lt=today or timezone.localdate())

    def for_unit(self, unit_id: int):
        return self.filter(assignments__unit_id=unit_id).distinct()


class AssignmentQuerySet(models.QuerySet):
    def with_state(self, today: datetime.date | None = None):
        """Annotate ``has_replied`` (this unit's issued reply in the proposal's current round), ``draft_status``
        (its reply's status in the round, issued or not; null without one), ``deadline`` (the opinion's due date
        for a co-handling unit, the reply's for the others), ``pending``, ``days_left`` and ``overdue`` (pending and
        past the deadline)."""
        from .models import Reply

        day = _today(today)
        this_round = Reply.objects.filter(
            proposal=OuterRef("proposal"), unit=OuterRef("unit"), round=OuterRef("proposal__round")
        )
        open_proposal = Q(proposal__status__in=ProposalStatus.answering())
        pending = open_proposal & (
            Q(role__in=AssignmentRole.replying(), has_replied=False)
            | Q(role=AssignmentRole.CO, opinion_on__isnull=True)
        )
        deadline = Case(
            When(role=AssignmentRole.CO, opinion_due_date__isnull=False, then=F("opinion_due_date")),
            default=F("due_date"),
            output_field=DateField(),
        )
        return (
            self.annotate(
                has_replied=Exists(this_round.filter(reply_issued())),
                draft_status=Subquery(this_round.values("status")[:1]),
                deadline=deadline,
            )
            .annotate(
                pending=Case(When(pending, then=Value(True)), default=Value(False), output_field=BooleanField()),
                days_left=DaysBetween(F("deadline"), day),
            )
            .annotate(
                overdue=Case(
                    When(pending & Q(deadline__lt=day), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        )

    def pending(self, today: datetime.date | None = None):
        return self.with_state(today).filter(pending=True)


class ReplyQuerySet(models.QuerySet):
    def issued(self):
        """Replies that count: signed off by the unit's signer or recorded on the unit's behalf."""
        return self.filter(reply_issued())

    def drafts(self):
        """Replies not yet issued: awaiting sign-off or returned to the drafter."""
        return self.exclude(reply_issued())

    def late(self):
        """Issued replies signed off after the unit's due date at the time."""
        return self.filter(reply_late())

    def on_time(self):
        """Issued replies signed off on or before the unit's due date at the time."""
        return self.filter(reply_on_time())

    def superseded(self):
        """Replies of a round the proposer rejected (the proposal was sent back for rehandling after it)."""
        return self.filter(round__lt=F("proposal__round"))

    def published(self):
        """What the public pages show: issued replies the committee published, of the proposal's current round."""
        return self.issued().filter(is_public=True, round=F("proposal__round"))

    def awaiting_publication(self):
        """Issued replies of the proposal's current round that the committee has not published (yet)."""
        return self.issued().filter(is_public=False, round=F("proposal__round"))

    def visible_to(self, user):
        """Issued replies for everyone who may read proposals; drafts only to their own unit's people."""
        if user.is_superuser:
            return self
        return self.filter(reply_issued() | Q(unit_id=user.organization_id, unit_id__isnull=False))


def handling_unit_candidates(region):
    """The organisations ``region``'s committee may put on its list: the active units of the region itself (of no
    region, in a deployment without regions) that are not a CPPCC body, a democratic party or one of its CPPCC's
    proposers (by name or short name). A CPPCC's proposals are handled by its own region's units, never another's."""
    from accounts.models import Organization

    from .models import Proposer

    proposers = Proposer.objects.filter(region=region).values("name")
    return (
        Organization.objects.filter(region=region)
        .exclude(kind__in=NEVER_HANDLING_KINDS)
        .exclude(Q(name__in=proposers) | Q(short_name__in=proposers))
    )


def handling_units(region):
    """The organisations ``region``'s committee may assign proposals to (承办单位名录): the region's government
    departments and district governments unless taken off, and the units the committee added."""
    return handling_unit_candidates(region).filter(
        Q(handling_unit__listed=True) | Q(handling_unit__isnull=True, kind__in=DEFAULT_HANDLING_KINDS)
    )
