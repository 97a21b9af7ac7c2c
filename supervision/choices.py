"""States, levels and steps of supervision (督办): notices, leaders' instructions and the promises made in replies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("Issued to the unit")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open(cls) -> list[str]:
        return [cls.ISSUED, cls.ACKNOWLEDGED, cls.ANSWERED, cls.RETURNED]

    @classmethod
    def awaiting_unit(cls) -> list[str]:
        """The unit owes an answer: issued, acknowledged or sent back."""
        return [cls.ISSUED, cls.ACKNOWLEDGED, cls.RETURNED]


class NoticeLevel(models.TextChoices):
    """提示 (blue) when issued; 督办 (yellow) once its deadline has passed unanswered by
    ``ESCALATE_AFTER_WORKING_DAYS``; 挂牌督办 (red) only by a leader's decision."""

    BLUE = "blue", _("Prompt (提示)")
    YELLOW = "yellow", _("Supervised (督办)")
    RED = "red", _("Listed for supervision (挂牌督办)")

    @property
    def badge(self) -> str:
        return {"blue": "primary", "yellow": "warning", "red": "danger"}[self.value]


class InstructionStatus(models.TextChoices):
    OPEN = "open", _("Being carried out")
    DONE = "done", _("Carried out")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Reported done, awaiting confirmation")
    FULFILLED = "fulfilled", _("Fulfilled")

    @classmethod
    def unfulfilled(cls) -> list[str]:
        return [cls.OPEN, cls.CLAIMED]


class Step(models.TextChoices):
    ISSUE = "issue", _("Notice issued")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    ANSWER = "answer", _("Answered")
    ACCEPT = "accept", _("Accepted and closed")
    RETURN = "return", _("Sent back")
    ESCALATE = "escalate", _("Escalated")
    HANG_RED = "hang_red", _("Listed for supervision by a leader")
    INSTRUCT = "instruct", _("Instruction given")
    REPORT = "report", _("Progress reported")
    CARRY_OUT = "carry_out", _("Marked carried out")
    PROMISE = "promise", _("Promise recorded")
    CONFIRM = "confirm", _("Fulfilment confirmed")
    PROJECT_MOVED = "project_moved", _("Linked project moved")
    CHASE = "chase", _("Report chased (催报)")
