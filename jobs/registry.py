"""What each kind of job runs. The apps above register their runners in ``AppConfig.ready()``, so that the jobs app
knows none of them (an import is the reports app's).

A runner is called as ``run(job, out, progress)`` in the worker: it does the job's work as the job's owner, writes
the job's file (if it has one) to the binary file ``out`` and returns the file's name ("" for none), calling
``progress(rows)`` with the rows done as it goes; it may fill ``job.outcome``. An exception fails the job with its
message."""

from collections.abc import Callable

_runners: dict[str, Callable] = {}


def register(kind: str, run: Callable) -> None:
    _runners[kind] = run


def runner(kind: str) -> Callable:
    return _runners[kind]
