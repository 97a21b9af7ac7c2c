"""After a restore, and from cron: every attachment's file is in the store, and no stored file lacks its row.

A file without a row is left when a transaction that stored it rolled back after the upload (a filing refused for
another reason); ``--delete-orphans`` removes those older than an hour (younger ones may belong to an upload still
committing). Exit status 1 when a row's file is missing: the media backup and the database dump do not match."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attachments.models import Attachment

FOLDERS = ("attachments", "thumbnails")


def stored_names(storage, folder: str):
    """Every file under ``folder``, walking the store's directories (local disk or object store alike)."""
    if not storage.exists(folder):
        return
    pending = [folder]
    while pending:
        current = pending.pop()
        directories, files = storage.listdir(current)
        pending.extend(f"{current}/{name}" for name in directories)
        yield from (f"{current}/{name}" for name in files)


class Command(BaseCommand):
    help = "Check that every attachment's file is stored and every stored file has its attachment."

    def add_arguments(self, parser):
        parser.add_argument("--delete-orphans", action="store_true", help="Remove stored files without a row.")

    def handle(self, *args, delete_orphans=False, **options):
        storage = Attachment._meta.get_field("file").storage
        known = set()
        missing = []
        for pk, name, thumbnail in Attachment.objects.values_list("pk", "file", "thumbnail").iterator(chunk_size=2000):
            known.update(filter(None, (name, thumbnail)))
            for stored in filter(None, (name, thumbnail)):
                if not storage.exists(stored):
                    missing.append((pk, stored))
        cutoff = timezone.now() - datetime.timedelta(hours=1)
        orphans = [
            name
            for folder in FOLDERS
            for name in stored_names(storage, folder)
            if name not in known and storage.get_modified_time(name) < cutoff
        ]
        for pk, name in missing:
            self.stderr.write(f"missing: attachment {pk} {name}")
        for name in orphans:
            if delete_orphans:
                storage.delete(name)
            self.stdout.write(f"{'deleted' if delete_orphans else 'orphan'}: {name}")
        self.stdout.write(f"{len(known)} files expected, {len(missing)} missing, {len(orphans)} without a row")
        if missing:
            raise CommandError(f"{len(missing)} attachment files are missing from the store")
