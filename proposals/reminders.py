"""What the proposals remind people of, in the digests of ``manage.py send_reminders`` (``notifications``).

- each unit (its active liaisons), daily: the proposals it still owes a reply to, or as a co-handling unit its
  opinion to the lead unit (due ``OPINION_MONTHS`` after assignment, before the lead unit's reply), that are due
  within ``PROPOSALS["REMINDER_DAYS"]`` days or overdue; and the reply drafts its signer returned;
- each unit's signers (单位签发人), daily: the reply drafts waiting for their sign-off, with their due dates;
- each proposal committee, daily: its own CPPCC's (its region's sessions') overdue proposals with the units that
  still owe a reply, and its key proposals due within ``REMINDER_DAYS`` days.

The keys carry the handling round, so a proposal handled again after an unsatisfied feedback is reminded of again.
While a unit's request for re-assignment waits for the committee, no unit can reply: the units are not reminded,
the committee is (the due date runs). Every query here is one query whatever the number of proposals.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import Role
from accounts.models import User
from notifications.reminders import ReminderItem, link

from .choices import AssignmentRole, ProposalStatus, ReplyStatus
from .models import Assignment, Proposal, Reply


def collect(today: datetime.date) -> list[ReminderItem]:
    liaisons, signers = _users_by_unit(Role.LIAISON), _users_by_unit(Role.SIGNER)
    return [*_unit_items(today, liaisons), *_draft_items(liaisons, signers), *_committee_items(today)]


def proposal_link(proposal_id: int) -> str:
    return link(reverse("proposal-detail", args=[proposal_id]))


def _window() -> int:
    return settings.PROPOSALS["REMINDER_DAYS"]


def _proposal(proposal: Proposal) -> str:
    return _("No. %(number)s %(title)s") % {"number": proposal.number, "title": proposal.title}


def _assignment_text(assignment: Assignment) -> str:
    """``No. 27 …: reply due 2026-05-04, in 3 days`` (due today, 5 days overdue); an opinion for a co-handling unit."""
    days_left = round(assignment.days_left)
    values = {
        "proposal": _proposal(assignment.proposal),
        "date": assignment.deadline.isoformat(),
        "days": abs(days_left),
    }
    if assignment.role == AssignmentRole.CO:
        if days_left < 0:
            text = ngettext(
                "%(proposal)s: opinion to the lead unit due %(date)s, %(days)d day overdue",
                "%(proposal)s: opinion to the lead unit due %(date)s, %(days)d days overdue",
                values["days"],
            )
        elif days_left == 0:
            text = _("%(proposal)s: opinion to the lead unit due today, %(date)s")
        else:
            text = ngettext(
                "%(proposal)s: opinion to the lead unit due %(date)s, in %(days)d day",
                "%(proposal)s: opinion to the lead unit due %(date)s, in %(days)d days",
                values["days"],
            )
    elif days_left < 0:
        text = ngettext(
            "%(proposal)s: reply due %(date)s, %(days)d day overdue",
            "%(proposal)s: reply due %(date)s, %(days)d days overdue",
            values["days"],
        )
    elif days_left == 0:
        text = _("%(proposal)s: reply due today, %(date)s")
    else:
        text = ngettext(
            "%(proposal)s: reply due %(date)s, in %(days)d day",
            "%(proposal)s: reply due %(date)s, in %(days)d days",
            values["days"],
        )
    return text % values


def _committee_text(proposal: Proposal) -> str:
    """``No. 27 …: due 2026-05-04, 5 days overdue; no reply yet from 区经信局、区水利局`` (or in 3 days, due today)."""
    days_left = round(proposal.days_left)
    values = {"proposal": _proposal(proposal), "date": proposal.due_date.isoformat(), "days": abs(days_left)}
    if days_left < 0:
        text = ngettext(
            "%(proposal)s: due %(date)s, %(days)d day overdue",
            "%(proposal)s: due %(date)s, %(days)d days overdue",
            values["days"],
        )
    elif days_left == 0:
        text = _("%(proposal)s: due today, %(date)s")
    else:
        text = ngettext(
            "%(proposal)s: due %(date)s, in %(days)d day",
            "%(proposal)s: due %(date)s, in %(days)d days",
            values["days"],
        )
    text %= values
    if proposal.owing:
        text += _("; no reply yet from %(units)s") % {
            "units": "、".join(assignment.unit.label for assignment in proposal.owing)
        }
    return text


def _unit_items(today: datetime.date, liaisons: dict[int, list[User]]) -> list[ReminderItem]:
    if not liaisons:
        return []
    window = _window()
    reply_section = ngettext(
        "Proposal replies due within %(days)d day or overdue",
        "Proposal replies due within %(days)d days or overdue",
        window,
    ) % {"days": window}
    opinion_section = ngettext(
        "Co-handling opinions due within %(days)d day or overdue",
        "Co-handling opinions due within %(days)d days or overdue",
        window,
    ) % {"days": window}

    pending = (
        Assignment.objects.with_state(today)
        .filter(pending=True, unit_id__in=list(liaisons), deadline__lte=today + datetime.timedelta(days=window))
        .select_related("proposal__session")
        .order_by("deadline", "proposal__session__year", "proposal__number", "pk")
    )
    items = []
    for assignment in pending:
        proposal = assignment.proposal
        opinion = assignment.role == AssignmentRole.CO
        text = _assignment_text(assignment)
        key = f"proposal-due:{assignment.pk}:{proposal.round}"
        section = opinion_section if opinion else reply_section
        url = proposal_link(proposal.pk)
        items.extend(ReminderItem(user, key, section, text, url) for user in liaisons[assignment.unit_id])
    return items


def _users_by_unit(role: str) -> defaultdict[int, list[User]]:
    users = defaultdict(list)
    for user in User.objects.filter(is_active=True, groups__name=role, organization__isnull=False):
        users[user.organization_id].append(user)
    return users


def _draft_items(liaisons: dict[int, list[User]], signers: dict[int, list[User]]) -> list[ReminderItem]:
    """Drafts of the current round: awaiting sign-off (to the unit's signers), returned (to its liaisons)."""
    if not signers and not liaisons:
        return []
    drafts = (
        Reply.objects.drafts()
        .filter(round=F("proposal__round"), proposal__status__in=ProposalStatus.answering())
        .filter(proposal__archived_at__isnull=True)
        .annotate(
            unit_due=Subquery(
                Assignment.objects.filter(proposal=OuterRef("proposal"), unit=OuterRef("unit")).values("due_date")[:1]
            )
        )
        .select_related("proposal")
        .order_by("unit_due", "proposal__number", "pk")
    )
    waiting_section = _("Reply drafts waiting for your sign-off")
    returned_section = _("Reply drafts your signer returned")
    items = []
    for reply in drafts:
        values = {"proposal": _proposal(reply.proposal), "date": reply.unit_due.isoformat() if reply.unit_due else "—"}
        url = proposal_link(reply.proposal_id)
        if reply.status == ReplyStatus.DRAFT:
            text = _("%(proposal)s: reply due %(date)s") % values
            key = f"reply-sign-off:{reply.pk}"
            items.extend(ReminderItem(user, key, waiting_section, text, url) for user in signers[reply.unit_id])
        else:
            text = _("%(proposal)s: reply due %(date)s; the signer's note: %(note)s") % {
                **values,
                "note": reply.return_note,
            }
            key = f"reply-returned:{reply.pk}"
            items.extend(ReminderItem(user, key, returned_section, text, url) for user in liaisons[reply.unit_id])
    return items


def _committee_items(today: datetime.date) -> list[ReminderItem]:
    """Each committee is reminded of its own CPPCC's proposals only: those of its region's sessions."""
    committee = defaultdict(list)
    for user in User.objects.filter(is_active=True, groups__name=Role.COMMITTEE).select_related("organization"):
        committee[user.organization.region_id if user.organization_id else None].append(user)
    if not committee:
        return []
    own_cppccs = Q(session__region__in=[region for region in committee if region is not None])
    if None in committee:  # a committee of no region: the deployment without regions
        own_cppccs |= Q(session__region__isnull=True)
    window = _window()
    owing = (
        Assignment.objects.with_state(today)
        .filter(has_replied=False, role__in=AssignmentRole.replying())
        .select_related("unit")
        .order_by("role", "unit__name")
    )
    proposals = (
        Proposal.objects.with_figures(today)
        .filter(own_cppccs)
        .filter(Q(overdue=True) | Q(is_key=True, days_left__gte=0, days_left__lte=window))
        .select_related("session")
        .prefetch_related(Prefetch("assignments", queryset=owing, to_attr="owing"))
        .order_by("due_date", "session__year", "number", "pk")
    )
    overdue_section = _("Overdue proposals")
    key_section = ngettext(
        "Key proposals due within %(days)d day",
        "Key proposals due within %(days)d days",
        window,
    ) % {"days": window}

    items = []
    for proposal in proposals:
        if proposal.overdue:
            key, section = f"proposal-overdue:{proposal.pk}:{proposal.round}", overdue_section
        else:
            key, section = f"proposal-key-due:{proposal.pk}:{proposal.round}", key_section
        text, url = _committee_text(proposal), proposal_link(proposal.pk)
        items.extend(ReminderItem(user, key, section, text, url) for user in committee[proposal.session.region_id])
    return items
