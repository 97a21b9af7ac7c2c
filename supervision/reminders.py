"""What supervision reminds people of, in the daily digests of ``manage.py send_reminders`` (``notifications``),
and the daily escalation it runs first (``services.escalate_overdue``, registered as a daily job).

- a unit's liaisons and signers, daily: its notices still owed (due within ``NOTICE_WARNING_DAYS`` days or overdue,
  with the level), its open instructions due within that window or overdue, and its promises overdue;
- the issuing side (the office for projects, the committee for proposals), daily: the answers waiting for its
  decision, and (the committee) the promises reported kept awaiting confirmation.
Each source is one query whatever the number of rows.
"""

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from notifications.reminders import ReminderItem, link

from .choices import CommitmentStatus
from .models import Commitment, Instruction, Notice
from .services.base import issuing_side, unit_people

NOTICE_WARNING_DAYS = 2


def collect(today: datetime.date) -> list[ReminderItem]:
    return [*_unit_items(today), *_issuing_side_items()]


def _unit_items(today: datetime.date) -> list[ReminderItem]:
    horizon = today + datetime.timedelta(days=NOTICE_WARNING_DAYS)
    owed: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    section_notices = _("Supervision notices to answer")
    for notice in Notice.objects.awaiting_unit().filter(deadline__lte=horizon).select_related("project", "proposal"):
        late = _("overdue") if notice.deadline < today else _("due %(date)s") % {"date": notice.deadline.isoformat()}
        text = f"{notice.number}【{notice.get_level_display()}】{notice.subject}（{late}）"
        owed[notice.unit_id].append((f"notice:{notice.pk}", section_notices, text, notice.get_absolute_url()))
    section_instructions = _("Leaders' instructions to carry out")
    instructions = Instruction.objects.open().filter(due_date__lte=horizon).prefetch_related("units")
    for instruction in instructions.select_related("leader"):
        text = _("Instruction of %(leader)s, due %(date)s: %(text)s") % {
            "leader": instruction.leader.display_name,
            "date": instruction.due_date.isoformat(),
            "text": instruction.text[:40],
        }
        for unit in instruction.units.all():
            owed[unit.pk].append(
                (f"instruction:{instruction.pk}", section_instructions, text, instruction.get_absolute_url())
            )
    section_promises = _("Promises in replies past their date")
    for commitment in Commitment.objects.overdue(today).filter(status=CommitmentStatus.OPEN):
        text = _("%(text)s (promised by %(date)s)") % {
            "text": commitment.text[:40],
            "date": commitment.due_date.isoformat(),
        }
        owed[commitment.unit_id].append(
            (f"commitment:{commitment.pk}", section_promises, text, commitment.get_absolute_url())
        )
    if not owed:
        return []
    people = defaultdict(list)
    for user in unit_people(owed):
        people[user.organization_id].append(user)
    return [
        ReminderItem(recipient=user, key=key, section=section, text=text, url=link(url))
        for unit_id, lines in owed.items()
        for user in people.get(unit_id, [])
        for key, section, text, url in lines
    ]


def _issuing_side_items() -> list[ReminderItem]:
    items = []
    section = _("Answers to supervision notices awaiting your decision")
    answered = Notice.objects.awaiting_review().select_related("region", "unit", "project", "proposal")
    for notice in answered:
        for user in issuing_side(notice.region, proposal=notice.proposal_id is not None):
            text = f"{notice.number} {notice.unit}：{notice.subject}"
            items.append(
                ReminderItem(
                    recipient=user,
                    key=f"notice-answer:{notice.pk}",
                    section=section,
                    text=text,
                    url=link(notice.get_absolute_url()),
                )
            )
    section = _("Promises reported kept, awaiting confirmation")
    for commitment in Commitment.objects.filter(status=CommitmentStatus.CLAIMED).select_related("region", "unit"):
        for user in issuing_side(commitment.region, proposal=True):
            items.append(
                ReminderItem(
                    recipient=user,
                    key=f"commitment-claimed:{commitment.pk}",
                    section=section,
                    text=f"{commitment.unit}：{commitment.text[:40]}",
                    url=link(commitment.get_absolute_url()),
                )
            )
    return items
