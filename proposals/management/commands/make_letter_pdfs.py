"""``manage.py make_letter_pdfs``: the server's PDF of every reply letter issued since the last run."""

from django.core.management.base import BaseCommand

from proposals.services.letter_files import make_pending_letter_pdfs


class Command(BaseCommand):
    help = (
        "Make the server's PDF of every issued reply letter that is still due (the issuing step leaves it to this "
        "command; listing a reply's files makes it too). Run from cron every few minutes; a run with nothing due "
        "does nothing."
    )

    def handle(self, *args, **options):
        made = make_pending_letter_pdfs()
        self.stdout.write(f"Reply letter PDFs made: {made}.")
