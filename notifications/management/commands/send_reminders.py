"""``manage.py send_reminders``: one digest e-mail a day per person, from every app's registered collectors."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from notifications.digests import notify_digests, render_digest, sort_out
from notifications.dispatch import dispatch
from notifications.models import SentReminder
from notifications.reminders import ReminderItem, daily_jobs, reminder_sources


class Command(BaseCommand):
    help = (
        "Mail each person one digest of what waits for them: liaisons their unit's missing and returned reports and "
        "milestones late or due soon, and the proposal replies and co-handling opinions their unit owes that are due "
        "soon or overdue; office staff the reports to review and the projects that turned red; the proposal "
        "committee the overdue proposals and the key proposals due soon. Run daily from cron; a second run the same "
        "day sends only what is new. Each digest also lands in the person's notification centre, and the queued "
        "notifications are sent (as send_notifications does)."
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
            if not dry_run:
                for job in daily_jobs():
                    job(today)
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
            # The centre gets everyone's digest, e-mail address or not; then the other channels go out.
            notify_digests(list(digests.values()), today)
            dispatch()

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
