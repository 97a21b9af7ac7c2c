"""Derived figures of the proposal workflow, computed by the database so that ledger, API, reminders and statistics
agree.

- A proposal is overdue when its units still owe a reply (assigned, re-assignment requested or being handled again)
  and its due date has passed; ``days_left`` counts down to the due date (negative once overdue).
- A unit's assignment is pending while the proposal awaits replies (and no re-assignment is requested) and the unit
  has not done its part in the current round: a lead or separate unit its reply, a co-handling unit its opinion to
  the lead unit.
"""

import datetime

from django.db import models
from django.db.models import BooleanField, Case, DateField, Exists, F, FloatField, OuterRef, Q, Value, When
from django.utils import timezone

from common.db import DaysBetween

from .choices import AssignmentRole, ProposalStatus


def _today(today: datetime.date | None):
    return Value(today or timezone.localdate(), output_field=DateField())


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
        return self.filter(issued_on__gt=F("due_date"))
