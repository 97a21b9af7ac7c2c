from django.conf import settings
from django.core.management.base import BaseCommand

from common.spreadsheets import uploads


class Command(BaseCommand):
    help = (
        "Remove the uploaded spreadsheets that waited longer than IMPORT_UPLOAD_LIFETIME_MINUTES between an import's "
        "preview and its confirm (run it from cron); --all removes every waiting upload."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Remove every waiting upload, however recent.")

    def handle(self, *args, all=False, **options):
        removed = uploads.clean(everything=all)
        self.stdout.write(
            f"Removed {removed} waiting upload(s) from {settings.IMPORT_UPLOAD_DIR}"
            + ("." if all else f" older than {settings.IMPORT_UPLOAD_LIFETIME_MINUTES} minutes.")
        )
