"""``manage.py send_reminders``: one digest e-mail a day per person, from every installed app's ``reminders``."""

import datetime
import importlib
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import SentReminder
from projects.reminders import ONCE_PREFIX, ReminderItem, link


def reminder_sources() -> list[Callable[[datetime.date], list[ReminderItem]]]:
    """Every installed app's ``reminders.collect``, in INSTALLED_APPS order (projects before proposals)."""
    sources = []
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.reminders")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.reminders":
                raise
            continue
        if callable(getattr(module, "collect", None)):
            sources.append(module.collect)
    return sources


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
        "projects/email/digest.txt",
        {
            "recipient": recipient,
            "sections": sections,
            "today": today.isoformat(),
            "site": settings.SITE_TITLE,
            "site_url": link("/"),
        },
    )
    return subject, body.strip() + "\n"


class Command(BaseCommand):
    help = (
        "Mail each person one digest of what waits for them: liaisons their unit's missing and returned reports and "
        "milestones late or due soon, and the proposal replies and co-handling opinions their unit owes that are due "
        "soon or overdue; office staff the reports to review and the projects that turned red; the proposal "
        "committee the overdue proposals and the key proposals due soon. Run daily from cron; a second run the same "
        "day sends only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD), for a test or to catch up a missed day.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send and record nothing.")

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or timezone.localdate()
        # The user's language is not stored: everyone gets the site's language, Chinese.
        with translation.override(settings.LANGUAGE_CODE):
            items = [item for collect in reminder_sources() for item in collect(today)]
            unsent, stale = sort_out(items, today)
            digests: dict[int, list[ReminderItem]] = {}
            for item in unsent:
                digests.setdefault(item.recipient.pk, []).append(item)

            without_email = [lines[0].recipient for lines in digests.values() if not lines[0].recipient.email]
            if options["verbosity"] > 1:
                for user in without_email:
                    self.stderr.write(f"No e-mail address: {user.username} ({len(digests[user.pk])} items)")
            mailable = [lines for lines in digests.values() if lines[0].recipient.email]

            if dry_run:
                for lines in digests.values():
                    user = lines[0].recipient
                    self.stdout.write(f"{user.username} <{user.email or 'no e-mail address'}>: {len(lines)} items")
                    for item in lines:
                        self.stdout.write(f"  [{item.section}] {item.text}")
                self.stdout.write(
                    f"Dry run: {len(mailable)} messages with {sum(map(len, mailable))} items would be sent; "
                    f"{len(without_email)} recipients skipped for no e-mail address."
                )
                return

            if stale:
                SentReminder.objects.filter(pk__in=stale).delete()
            sent, failed = self.send(mailable, today)

        self.stdout.write(
            f"{len(sent)} messages sent with {sum(map(len, sent))} items; "
            f"{len(without_email)} recipients skipped for no e-mail address."
        )
        if failed:
            raise CommandError(f"{failed} messages could not be sent; their items will be tried again next run.")

    def send(self, digests: list[list[ReminderItem]], today: datetime.date) -> tuple[list[list[ReminderItem]], int]:
        """Send one message per person; record the items of those that went out. Returns them and the failures."""
        connection = get_connection()
        sent, failed = [], 0
        try:
            for lines in digests:
                user = lines[0].recipient
                subject, body = render_digest(user, lines, today)
                try:
                    EmailMessage(subject, body, to=[user.email], connection=connection).send()
                except Exception as error:  # one refused address or a mail server hiccup must not stop the others
                    failed += 1
                    self.stderr.write(f"Could not send to {user.username} <{user.email}>: {error}")
                    continue
                sent.append(lines)
        finally:
            # Even if the run dies half-way, what went out is recorded and not sent twice. A concurrent run may
            # have recorded the same rows: keep theirs.
            SentReminder.objects.bulk_create(
                [
                    SentReminder(recipient=item.recipient, key=item.record_key, sent_on=today)
                    for lines in sent
                    for item in lines
                ],
                ignore_conflicts=True,
            )
        return sent, failed
