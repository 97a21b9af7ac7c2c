"""Backup and restore as the README gives them: ``dumpdata`` of the demo dataset, then ``restore`` into an emptied
and migrated database, gives back every table with the same number of rows (the change history included, with no
record added by the restore), the same figures, and a data version no cached figures were computed under. A database
that holds data is never restored over."""

import gzip
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Project
from reports.models import DataVersion
from reports.versioning import current_version

pytestmark = pytest.mark.django_db(transaction=True)

# The README's backup command: content types and permissions are recreated by migrate, sessions are not worth keeping.
BACKUP_OPTIONS = {
    "natural_foreign": True,
    "natural_primary": True,
    "exclude": ["contenttypes", "auth.permission", "sessions"],
}


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def figures():
    return sorted(Project.objects.with_figures().values_list("code", "progress", "health"))


def test_a_backup_of_the_demo_restores_every_row(settings, tmp_path):
    settings.DEBUG = True  # demo accounts are created only in debug mode
    call_command("load_demo", verbosity=0)
    before, before_figures, before_version = row_counts(), figures(), current_version()
    assert before["projects.Project"] > 0 and before["proposals.Proposal"] > 0
    assert before["projects.HistoricalProject"] > 0

    backup = tmp_path / "backup.json.gz"
    call_command("dumpdata", output=str(backup), verbosity=0, **BACKUP_OPTIONS)
    with gzip.open(backup, "rt", encoding="utf-8") as file:
        assert len(json.load(file)) > 1000

    call_command("flush", interactive=False, verbosity=0)  # an empty, migrated database
    assert Project.objects.count() == 0
    call_command("restore", str(backup), verbosity=0)

    after = row_counts()
    assert {label: (count, after[label]) for label, count in before.items() if after[label] != count} == {}
    assert figures() == before_figures
    assert DataVersion.objects.get().version > before_version

    # Never over data: restoring again is refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), verbosity=0)
