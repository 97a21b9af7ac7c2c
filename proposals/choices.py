"""Choices of the proposal workflow: English codes as stored values, translated labels, a badge colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProposerKind(models.TextChoices):
    MEMBER = "member", _("CPPCC member")
    ORGANIZATION = "organization", _("Party, people's organisation or group")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal status", "Submitted")
    FILED = "filed", _("Filed")
    NOT_FILED = "not_filed", _("Not filed")
    MERGED = "merged", _("Merged")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGN_REQUESTED = "reassign_requested", _("Re-assignment requested")
    REPLIED = "replied", _("Replied")
    REHANDLING = "rehandling", _("Being handled again")
    CLOSED = "closed", _("Closed")

    @classmethod
    def awaiting_reply(cls) -> list[str]:
        """The units owe a reply: the due date runs and the proposal can be overdue."""
        return [cls.ASSIGNED, cls.REASSIGN_REQUESTED, cls.REHANDLING]

    @classmethod
    def answering(cls) -> list[str]:
        """The units can answer now: draft, sign off or record a reply, send an opinion. While a re-assignment is
        requested nobody answers: the committee decides first."""
        return [cls.ASSIGNED, cls.REHANDLING]

    @classmethod
    def terminal(cls) -> list[str]:
        return [cls.NOT_FILED, cls.MERGED, cls.CLOSED]

    @classmethod
    def filed(cls) -> list[str]:
        """Filed (立案) and handled as a proposal of its own: every status from filing on. A merged proposal (并案)
        was not filed on its own, it is handled with the one it was merged into."""
        return [cls.FILED, *cls.assigned()]

    @classmethod
    def assigned(cls) -> list[str]:
        """Assigned to handling units (交办), whatever came after."""
        return [cls.ASSIGNED, cls.REASSIGN_REQUESTED, cls.REPLIED, cls.REHANDLING, cls.CLOSED]

    @classmethod
    def answered(cls) -> list[str]:
        """The units have replied (办复), including a proposal sent back for handling again after its reply."""
        return [cls.REPLIED, cls.REHANDLING, cls.CLOSED]

    @classmethod
    def badge(cls, value: str) -> str:
        return {
            cls.SUBMITTED: "secondary",
            cls.FILED: "info",
            cls.NOT_FILED: "dark",
            cls.MERGED: "dark",
            cls.ASSIGNED: "primary",
            cls.REASSIGN_REQUESTED: "warning",
            cls.REPLIED: "success",
            cls.REHANDLING: "danger",
            cls.CLOSED: "light",
        }.get(value, "secondary")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("proposal handling", "Lead unit")
    CO = "co", _("Co-handling unit")
    SEPARATE = "separate", _("Separate handling unit")

    @classmethod
    def replying(cls) -> list[str]:
        """Roles that write a reply letter; co-handling units send their opinion to the lead unit instead."""
        return [cls.LEAD, cls.SEPARATE]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")

    @classmethod
    def content(cls) -> list[str]:
        """The proposer is content: satisfied or basically satisfied."""
        return [cls.SATISFIED, cls.BASICALLY_SATISFIED]

    @classmethod
    def badge(cls, value: str) -> str:
        return "success" if value in cls.content() else "danger"


class ReplyStatus(models.TextChoices):
    """A reply letter's own course: the unit's liaison drafts it, the unit's signer (单位签发人) signs it off (签发)
    or returns it with a note; only an issued reply counts as the unit's reply."""

    DRAFT = "draft", _("Draft, awaiting sign-off")
    RETURNED = "returned", _("Returned to the drafter")
    ISSUED = "issued", _("Issued")

    @classmethod
    def badge(cls, value: str) -> str:
        return {cls.DRAFT: "warning", cls.RETURNED: "danger", cls.ISSUED: "success"}.get(value, "secondary")


class ProposalMove(models.TextChoices):
    """The moves of the workflow, as recorded on the timeline; the API's action names use hyphens."""

    SUBMIT = "submit", pgettext_lazy("proposal status", "Submitted")
    FILE = "file", _("Filed")
    NOT_FILE = "not_file", _("Not filed")
    MERGE = "merge", _("Merged")
    ASSIGN = "assign", _("Assigned")
    REQUEST_REASSIGN = "request_reassign", _("Re-assignment requested")
    OPINION = "opinion", _("Co-handling opinion sent")
    EXTEND = "extend", _("Due date extended")
    DRAFT_REPLY = "draft_reply", _("Reply drafted for sign-off")
    RETURN_REPLY = "return_reply", _("Reply draft returned")
    # Issued: signed off by the unit's signer (签发), or recorded by the committee on the unit's behalf (代录).
    REPLY = "reply", _("Reply issued")
    RECORD_REPLY = "record_reply", _("Reply recorded on the unit's behalf")
    PUBLISH_REPLY = "publish_reply", _("Reply published")
    WITHDRAW_REPLY = "withdraw_reply", _("Reply withdrawn from the public pages")
    FEEDBACK = "feedback", _("Feedback recorded")
    CLOSE = "close", _("Closed")
