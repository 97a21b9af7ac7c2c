"""``python -m bench.seed --projects N [--regions] [--clear] [--seed 2026]``: seed the synthetic portfolio into the
app's database; with ``--regions``, in the region tree of a province (``bench/seed_regions.py``).

The benchmarks run it through ``call_command(SeedCommand(), projects=N, clear=True)`` on their own database
(``bench/harness.py``); from the command line it uses the database ``manage.py`` uses (``DATABASE_URL``, ``.env``).
It is no management command: the product does not ship it.
"""

import os
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone


class SeedCommand(BaseCommand):
    help = (
        "Generate a synthetic portfolio of N projects (codes SC-…) with milestones, monthly reports, funding, "
        "targets and N/2 proposals, for load tests. --clear first removes what an earlier run generated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="Number of projects to generate.")
        parser.add_argument("--clear", action="store_true", help="Delete previously generated synthetic data first.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same day: same data).")
        parser.add_argument(
            "--regions",
            action="store_true",
            help="Place everything in the regions of a province: 11 cities, 90 districts, their offices and accounts.",
        )

    def handle(self, *args, projects, clear, seed, regions=False, **options):
        # Imported here, not above: run as ``python -m bench.seed``, Django is set up only once main() runs.
        from bench.seed_portfolio import ScalePortfolio
        from bench.seed_regions import RegionalPortfolio
        from bench.synthetic import clear_synthetic_data, synthetic_data_exists

        if projects < 1:
            raise CommandError("--projects must be at least 1.")
        started = time.perf_counter()
        with transaction.atomic():
            removed = 0
            if clear:
                removed = clear_synthetic_data()
            elif synthetic_data_exists():
                raise CommandError(
                    "Synthetic data (projects SC-…) already exists; run again with --clear to replace it."
                )
            if clear:
                self.stdout.write(f"Removed {removed} synthetic rows in {time.perf_counter() - started:.1f} s.")

            def progress(line: str):
                self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {line}")
                self.stdout.flush()

            portfolio = (RegionalPortfolio if regions else ScalePortfolio)(
                rng=random.Random(seed), today=timezone.localdate(), progress=progress
            )
            counts = portfolio.build(projects)
            progress("committing")
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary} in {elapsed:.1f} s."))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # The usage line reads as it is run: python -m bench.seed.
    SeedCommand().run_from_argv(["python -m", "bench.seed", *sys.argv[1:]])


if __name__ == "__main__":
    main()
