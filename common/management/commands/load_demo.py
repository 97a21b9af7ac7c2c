import datetime
import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo dataset built from the source documents. Adds only what is missing, so it can run again "
        "safely. Demo accounts (password demo-2026) are created only when DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Lay out the live projects as if today were this date (YYYY-MM-DD).",
        )

    def handle(self, *args, today=None, **options):
        results = []
        # Every app may bring its own demo data in a ``demo.loader`` module with a ``load`` function; INSTALLED_APPS
        # order is dependency order (projects before proposals before reports).
        for app_config in apps.get_app_configs():
            name = f"{app_config.name}.demo.loader"
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name not in (f"{app_config.name}.demo", name):
                    raise
                continue
            results.append(module.load(today=today, create_accounts=settings.DEBUG))

        for result in results:
            for label, count in result.created.items():
                self.stdout.write(f"  + {count} {label}")
            for mismatch in getattr(result, "health_mismatches", []):
                self.stderr.write(self.style.WARNING(f"  demo project with an unexpected health today: {mismatch}"))
        created = sum(sum(result.created.values()) for result in results)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({created} rows added)."))

        accounts = [account for result in results for account in getattr(result, "accounts", [])]
        if accounts:
            self.stdout.write("Demo accounts (password demo-2026):")
            for username, role, organization in accounts:
                self.stdout.write(f"  {username:<12} {role:<10} {organization}")
        elif not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo accounts were created.")
