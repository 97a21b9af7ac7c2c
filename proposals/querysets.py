"""Derived figures of the proposal workflow, computed by the database so that ledger, API, reminders and statistics
agree.

- A proposal is overdue when its units still owe a reply (assigned, re-assignment requested or being handled again)
  and its due date has passed; ``days_left`` counts down to the due date (negative once overdue).
- A unit's assignment is pending while the proposal awaits replies (and no re-assignment is requested) and the unit
  has not done its part in the current round: a lead or separate unit its reply, a co-handling unit its opinion to
  the lead unit.
- A reply is on time (按期) when issued by the unit's due date as it stood when it replied, late after it
  (``reply_on_time``, ``reply_late``).
- The committee's counts of a set of proposals (``proposal_counts``): received, filed (立案), not filed (不予立案),
  merged (并案), assigned (交办) and answered (办复); the answer rate (办复率) is answered ÷ assigned. The dashboard,
  the 提案办理情况统计表 and the public page take them from here.
"""

import datetime

from django.db import models
from django.db.models import BooleanField, Case, Count, DateField, Exists, F, FloatField, OuterRef, Q, Value, When
from django.utils import timezone

from common.db import DaysBetween

from .choices import AssignmentRole, ProposalStatus


def _today(today: datetime.date | None):
    return Value(today or timezone.localdate(), output_field=DateField())


def reply_on_time() -> Q:
    """A reply issued on or before the unit's due date at the time (a reply without a due date is neither)."""
    return Q(issued_on__lte=F("due_date"))


def reply_late() -> Q:
    """A reply issued after the unit's due date at the time."""
    return Q(issued_on__gt=F("due_date"))


def proposal_counts(path: str = "") -> dict[str, Count]:
    """The committee's counts of proposals (reached through ``path``, such as "proposals__" from sessions), as
    aggregates to ``aggregate()`` or ``annotate()``: ``received``, ``filed`` (立案), ``not_filed`` (不予立案),
    ``merged`` (并案), ``assigned`` (交办) and ``answered`` (办复)."""

    def count(statuses: list[str] | None = None) -> Count:
        condition = Q(**{f"{path}status__in": statuses}) if statuses is not None else None
        return Count(f"{path}pk", filter=condition, distinct=True)

    return {
        "received": count(),
        "filed": count(ProposalStatus.filed()),
        "not_filed": count([ProposalStatus.NOT_FILED]),
        "merged": count([ProposalStatus.MERGED]),
        "assigned": count(ProposalStatus.assigned()),
        "answered": count(ProposalStatus.answered()),
    }


def answer_rate(counts: dict) -> float | None:
    """办复率 in percent: the proposals answered of those assigned (None before any is assigned)."""
    return round(100.0 * counts["answered"] / counts["assigned"], 1) if counts["assigned"] else None


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
        """Annotate ``has_replied`` (this unit's reply in the proposal's current round), ``pending``, ``days_left``
        and ``overdue`` (pending and past the assignment's due date)."""
        from .models import Reply

        day = _today(today)
        replied = Exists(
            Reply.objects.filter(
                proposal=OuterRef("proposal"), unit=OuterRef("unit"), round=OuterRef("proposal__round")
            )
        )
        # While a re-assignment is requested nobody can answer: the committee decides first.
        open_proposal = Q(proposal__status__in=[ProposalStatus.ASSIGNED, ProposalStatus.REHANDLING])
        pending = open_proposal & (
            Q(role__in=AssignmentRole.replying(), has_replied=False)
            | Q(role=AssignmentRole.CO, opinion_on__isnull=True)
        )
        return self.annotate(has_replied=replied).annotate(
            pending=Case(When(pending, then=Value(True)), default=Value(False), output_field=BooleanField()),
            days_left=DaysBetween(F("due_date"), day),
            overdue=Case(
                When(pending & Q(due_date__lt=day), then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )

    def pending(self, today: datetime.date | None = None):
        return self.with_state(today).filter(pending=True)


class ReplyQuerySet(models.QuerySet):
    def published(self):
        """Replies marked public: what the public pages show."""
        return self.filter(is_public=True)

    def late(self):
        """Replies issued after the unit's due date at the time."""
        return self.filter(reply_late())
