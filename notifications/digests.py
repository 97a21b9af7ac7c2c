"""One digest a day per person: what is new since the last run, grouped under its headings, sent by e-mail and
recorded so that a second run the same day sends only what is new."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import NotificationKind
from .models import SentReminder
from .reminders import ONCE_PREFIX, ReminderItem, link
from .services import notify_each


def sort_out(items: list[ReminderItem], today: datetime.date) -> tuple[list[ReminderItem], list[int]]:
    """The items not sent yet (daily ones today, once-items ever), and the ids of once-records no source yields
    any more: forgetting those lets a project that goes red again be reported again."""
    yielded = {(item.recipient.pk, item.record_key) for item in items}
    already, stale = set(), []
    records = SentReminder.objects.filter(Q(sent_on=today) | Q(key__startswith=ONCE_PREFIX))
    for pk, recipient_id, key in records.values_list("pk", "recipient_id", "key"):
        if key.startswith(ONCE_PREFIX) and (recipient_id, key) not in yielded:
            stale.append(pk)
        else:
            already.add((recipient_id, key))
    unsent = []
    for item in items:
        if (item.recipient.pk, item.record_key) not in already:
            already.add((item.recipient.pk, item.record_key))  # two sources yielding the same item: send it once
            unsent.append(item)
    return unsent, stale


def render_digest(recipient, items: list[ReminderItem], today: datetime.date) -> tuple[str, str]:
    """Subject and plain-text body; lines grouped under their sections in the order the sources gave them."""
    grouped: dict[str, list[ReminderItem]] = {}
    for item in items:
        grouped.setdefault(item.section, []).append(item)
    sections = []
    for heading, lines in grouped.items():
        # A section whose lines all lead to one page (the review queue) shows the link once, not on every line.
        urls = {line.url for line in lines}
        sections.append({"heading": heading, "items": lines, "url": urls.pop() if len(urls) == 1 else ""})
    subject = _("[%(site)s] Reminders for %(date)s") % {"site": settings.SITE_TITLE, "date": today.isoformat()}
    body = render_to_string(
        "notifications/digest.txt",
        {
            "recipient": recipient,
            "sections": sections,
            "today": today.isoformat(),
            "site": settings.SITE_TITLE,
            "site_url": link("/"),
        },
    )
    return subject, body.strip() + "\n"


def notify_digests(digests: list[list[ReminderItem]], today: datetime.date) -> None:
    """Each person's digest as one notification of the day in their centre (a second run that day adds none)."""
    messages = []
    for lines in digests:
        if not lines:
            continue  # nobody gets an empty digest
        grouped: dict[str, list[str]] = {}
        for item in lines:
            grouped.setdefault(item.section, []).append(f"- {item.text}")
        text = "\n".join(f"{heading}\n" + "\n".join(texts) for heading, texts in grouped.items())
        title = _("Reminders for %(date)s: %(count)d items") % {"date": today.isoformat(), "count": len(lines)}
        messages.append((lines[0].recipient, title, text))
    notify_each(messages, kind=NotificationKind.REMINDER, url=reverse("home"), key=f"reminders:{today.isoformat()}")
