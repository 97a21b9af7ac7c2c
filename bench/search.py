"""Search benchmark: the proposal ledger's and the project list's free-text search at 1, 10 and 200 words.

    .venv/bin/python bench/search.py [--projects 10000] [--words 1 10 200] [--old 10 20] [--no-seed]

Seeds ``bench.seed --projects N --clear`` (N/2 proposals with their proposers) unless ``--no-seed``, then times the
query of ``search_condition`` (common.filtersets) over every proposal and every project with the figures the lists
compute, for each number of words (the pages and the API refuse more than SEARCH_MAX_WORDS; the query itself is
timed past that to show its cost grows with the words and nothing else), and the search as it was written before
(a ``filter()`` per word: a join of the proposers per word) for ``--old`` numbers of words. Each word appears in
every synthetic row ("合成", "建议"…), so no row drops out early. Prints the median of three runs, the tables of the
outer query and the plan's size (lines of EXPLAIN). Runs on DATABASE_URL when set, else on bench/.data/search.sqlite3.
"""

import argparse
import statistics
import sys
import time

from harness import machine, set_up_django

# Words every synthetic row holds, so that every word is tested on every row (repeated past their number).
WORDS = {
    "proposals": ["合成", "关于", "建议", "建设", "加快", "的", "合", "成", "关", "议"],
    "projects": ["合成", "SC", "合", "成", "SC-", "0"],
}


def timed(queryset, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        list(queryset.values_list("pk", flat=True))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plan_lines(queryset) -> int:
    return len(queryset.explain().splitlines())


def old_search(queryset, fields, words):
    """The search before: one ``filter()`` per word, each joining a relation of many rows again."""
    from django.db.models import Q

    for word in words:
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--words", type=int, nargs="+", default=[1, 10, 200])
    parser.add_argument("--old", type=int, nargs="*", default=[10, 20])
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    set_up_django("search.sqlite3")
    from django.core.management import call_command

    from bench.seed import SeedCommand
    from common.filtersets import search_condition
    from projects.filtersets import ProjectFilterSet
    from projects.models import Project
    from proposals.filtersets import ProposalFilterSet
    from proposals.models import Proposal

    if not args.no_seed:
        call_command("migrate", verbosity=0)
        call_command(SeedCommand(), projects=args.projects, clear=True, verbosity=0)
    print(machine())
    print(f"{Project.objects.count()} projects, {Proposal.objects.count()} proposals")
    lists = [
        ("proposals", Proposal.objects.with_figures(), ProposalFilterSet.search_fields),
        ("projects", Project.objects.with_figures(), ProjectFilterSet.search_fields),
    ]
    for name, base, fields in lists:
        for count in args.words:
            words = (WORDS[name] * count)[:count]
            queryset = base.filter(search_condition(base.model, fields, words))
            seconds = timed(queryset)
            tables, lines = len(queryset.query.alias_map), plan_lines(queryset)
            print(f"{name:9} {count:4} words: {seconds * 1000:9.1f} ms, {tables} tables, plan {lines} lines")
        for count in args.old:
            words = (WORDS[name] * count)[:count]
            queryset = old_search(base.model._base_manager.all(), fields, words)
            queryset = base.filter(pk__in=queryset.values("pk"))
            seconds = timed(queryset, runs=1)
            print(f"{name:9} {count:4} words, as before: {seconds * 1000:9.1f} ms, plan {plan_lines(queryset)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
