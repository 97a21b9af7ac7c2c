"""Load a backup written by ``dumpdata`` (see the README's "Backup and restore") into a migrated, empty database.

``loaddata`` alone would add to the change history: setting a restored project's plans or units counts as a change
and gets a history record of its own, dated today. The backup already holds the history, so it is loaded with history
recording off. The data versions of all the data and of the rows of no region (which every region's key includes) then
jump past any number a server could have cached figures under (a microsecond clock: writes move them by one), so no
worker serves figures computed from the data as it was before the restore.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organization
from projects.figures import refresh_all_figures
from projects.models import Project
from proposals.models import Proposal
from reports.models import DataVersion
from reports.versioning import VERSION_ROW


class Command(BaseCommand):
    help = "Load a dumpdata backup (.json, or .json.gz …) into a migrated, empty database, as it was."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The file written by dumpdata.")

    def handle(self, backup, **options):
        if Project.objects.exists() or Proposal.objects.exists() or Organization.objects.exists():
            raise CommandError(
                "The database is not empty: restore into a new database (createdb, then manage.py migrate)."
            )
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", backup, verbosity=options["verbosity"])
            # The stored figures as of today (a backup holds them as of its own day, an older one none).
            refresh_all_figures()
            versions = DataVersion.objects.filter(pk=VERSION_ROW).values("version", "shared_version").first() or {}
            now = time.time_ns() // 1000
            # The shared version is in every region's key: past the old numbers, it retires every cached figure.
            DataVersion.objects.update_or_create(
                pk=VERSION_ROW,
                defaults={name: max(versions.get(name, 0) + 1, now) for name in ("version", "shared_version")},
            )
        self.stdout.write(
            f"Restored {backup}: {Project.objects.count()} projects, {Proposal.objects.count()} proposals, "
            f"{Organization.objects.count()} units."
        )
