"""The rules of supervision's figures, written once: which notices are open, overdue, answered on time; which
instructions and promises are overdue. Lists, counts, the scorecard and the committee's statistics read these."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate

from .choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus

# First answered by the end of the deadline, in local time (a later answer after a return does not make it late, and a
# return does not make a late first answer timely); over ``NoticeQuerySet.with_first_answer_day``.
ANSWERED_ON_TIME = Q(first_answered_on__lte=F("deadline"))


class NoticeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=NoticeStatus.open())

    def awaiting_unit(self):
        """The unit owes an answer (issued, acknowledged, or sent back)."""
        return self.filter(status__in=NoticeStatus.awaiting_unit())

    def awaiting_review(self):
        """Answered: the issuing side must accept or send it back."""
        return self.filter(status=NoticeStatus.ANSWERED)

    def overdue(self, today: datetime.date):
        """The unit owes an answer and the deadline has passed."""
        return self.awaiting_unit().filter(deadline__lt=today)

    def escalated(self):
        """Turned yellow by the timer at some point, or listed red by a leader."""
        return self.filter(Q(escalated_on__isnull=False) | Q(level=NoticeLevel.RED))

    def with_first_answer_day(self):
        return self.annotate(first_answered_on=TruncDate("first_answered_at"))

    def answered_on_time(self):
        return self.with_first_answer_day().filter(ANSWERED_ON_TIME)

    def due(self, today: datetime.date):
        """Notices whose deadline has come: answered by now or owed — what "answered on time" is a share of."""
        return self.filter(deadline__lt=today)


class InstructionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InstructionStatus.OPEN)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_date__lt=today)


class CommitmentQuerySet(models.QuerySet):
    def unfulfilled(self):
        return self.filter(status__in=CommitmentStatus.unfulfilled())

    def fulfilled(self):
        return self.filter(status=CommitmentStatus.FULFILLED)

    def overdue(self, today: datetime.date):
        return self.unfulfilled().filter(due_date__lt=today)

    def due(self, today: datetime.date):
        """Promises whose date has come: the 落实率 is the share of these fulfilled."""
        return self.filter(due_date__lt=today)
