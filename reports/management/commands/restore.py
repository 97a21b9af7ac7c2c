"""Load a backup written by ``dumpdata`` (see the README's "Backup and restore") into a migrated, empty database.

``loaddata`` alone would add to the change history: setting a restored project's plans or units counts as a change
and gets a history record of its own, dated today. The backup already holds the history, so it is loaded with history
recording off. The data version then jumps past any number a server could have cached figures under (a microsecond
clock: writes move it by one), so no worker serves figures computed from the data as it was before the restore.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Organization
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
            version = DataVersion.objects.filter(pk=VERSION_ROW).values_list("version", flat=True).first() or 0
            DataVersion.objects.update_or_create(
                pk=VERSION_ROW, defaults={"version": max(version + 1, time.time_ns() // 1000)}
            )
        self.stdout.write(
            f"Restored {backup}: {Project.objects.count()} projects, {Proposal.objects.count()} proposals, "
            f"{Organization.objects.count()} units."
        )
