"""The proposals' to-do lists on the start page (``accounts.todo``): the committee's proposals to file, re-assignment
requests, overdue replies with the units that owe them, replies to publish and feedback to record; a unit's inbox;
the leader's key proposals. Each links to the ledger or the inbox filtered to the same rows."""

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _

from accounts.todo import Section, for_leader, for_unit, link, register_sections

from .choices import ProposalStatus
from .models import Assignment, Proposal, Reply
from .selectors import unit_inbox


def for_committee(user) -> bool:
    return user.has_perm("proposals.handle_proposal")


def answers_for_unit(user) -> bool:
    return for_unit(user) and (user.has_perm("proposals.reply_proposal") or user.has_perm("proposals.sign_reply"))


def proposals(user, **conditions):
    """The ledger's proposals of ``user``'s regions in these statuses, by session and number."""
    return (
        user.scope(Proposal.objects.filter(**conditions))
        .with_figures()
        .select_related("session")
        .order_by("-session__year", "session__name", "number")
    )


def overdue(user, today):
    """Overdue proposals (``ProposalQuerySet.overdue``), the longest overdue first, each with the units that still
    owe their part (``AssignmentQuerySet.pending``) as ``units_owing``."""
    owing = Assignment.objects.pending(today).select_related("unit").order_by("unit__name")
    return (
        user.scope(Proposal.objects.overdue(today))
        .with_figures(today)
        .select_related("session")
        .prefetch_related(Prefetch("assignments", queryset=owing, to_attr="units_owing"))
        .order_by("due_date", "number")
    )


def open_statuses() -> list[str]:
    return [status for status in ProposalStatus.values if status not in ProposalStatus.terminal()]


def key_proposals(user, today):
    return (
        user.scope(Proposal.objects.filter(is_key=True, status__in=open_statuses()))
        .with_figures(today)
        .select_related("session")
        .order_by(F("due_date").asc(nulls_last=True), "number")
    )


def status_section(key: str, status: str, title, empty, order: int) -> Section:
    return Section(
        key=key,
        group="committee",
        order=order,
        title=title,
        template="proposals/todo/proposal.html",
        applies=for_committee,
        rows=lambda user, today: proposals(user, status=status),
        url=lambda user, today: link("proposal-list", status=status),
        empty=empty,
    )


SECTIONS = [
    status_section(
        "proposals_to_file",
        ProposalStatus.SUBMITTED,
        _("Proposals awaiting filing"),
        _("No proposal awaits filing."),
        10,
    ),
    status_section(
        "reassign_requests",
        ProposalStatus.REASSIGN_REQUESTED,
        _("Re-assignment requests"),
        _("No unit asks to be re-assigned."),
        20,
    ),
    Section(
        key="overdue_proposals",
        group="committee",
        order=30,
        title=_("Overdue replies"),
        template="proposals/todo/overdue_proposal.html",
        applies=for_committee,
        rows=overdue,
        url=lambda user, today: link("proposal-list", overdue="true"),
        empty=_("No reply is overdue."),
    ),
    Section(
        key="replies_to_publish",
        group="committee",
        order=40,
        title=_("Replies awaiting publication"),
        template="proposals/todo/proposal.html",
        applies=for_committee,
        rows=lambda user, today: proposals(user, pk__in=Reply.objects.awaiting_publication().values("proposal_id")),
        url=lambda user, today: link("proposal-list", reply="unpublished"),
        empty=_("Every issued reply has been decided on."),
    ),
    status_section(
        "feedback_to_record",
        ProposalStatus.REPLIED,
        _("Feedback not yet recorded"),
        _("No proposal awaits the proposer's feedback."),
        50,
    ),
    Section(
        key="proposal_inbox",
        group="liaison",
        order=15,
        title=_("Proposals awaiting the unit's reply or opinion"),
        template="proposals/todo/assignment.html",
        applies=answers_for_unit,
        rows=lambda user, today: unit_inbox(user, today),
        url=lambda user, today: link("proposal-inbox"),
        empty=_("Every assigned proposal has its answer."),
    ),
    Section(
        key="key_proposals",
        group="leader",
        order=20,
        title=_("Key proposals being handled"),
        template="proposals/todo/key_proposal.html",
        applies=for_leader,
        rows=key_proposals,
        url=lambda user, today: link("proposal-list", is_key="true", status=open_statuses()),
        empty=_("No key proposal is being handled."),
    ),
]


def register():
    register_sections(*SECTIONS)
