"""Store every project's derived figures as of today (``projects.figures``): planned progress and lateness move with
the date alone, so this runs daily just after local midnight (cron or Celery beat); it also fills the table of a
database that had none."""

from django.core.management.base import BaseCommand

from projects.figures import refresh_all_figures


class Command(BaseCommand):
    help = "Store every project's progress, planned progress, lag, late milestones and health as of today."

    def handle(self, **options):
        stored = refresh_all_figures()
        if options["verbosity"]:
            self.stdout.write(f"Stored the figures of {stored} projects.")
