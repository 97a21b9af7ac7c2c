"""The reminder registry: each app registers, in its ``AppConfig.ready()``, a collector ``collect(today)`` that returns
the ``ReminderItem``s due that day; ``manage.py send_reminders`` gathers them all, sends each person one digest and
records what went out (``SentReminder``) so that nothing is sent twice."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from accounts.models import User

ONCE_PREFIX = "once:"


@dataclass(frozen=True)
class ReminderItem:
    """One line of one person's digest.

    ``key`` names the matter (``milestone:12``). A daily item is sent at most once a day for as long as a source
    yields it; a ``once`` item is sent once, and again only after a day on which no source yielded it.
    ``section`` is the translated heading the line is listed under.
    """

    recipient: User
    key: str
    section: str
    text: str
    url: str
    once: bool = False

    @property
    def record_key(self) -> str:
        """The key as stored in ``SentReminder``: once-items are marked so that the command can tell them apart
        from the daily log when it forgets those whose condition has cleared."""
        return f"{ONCE_PREFIX}{self.key}" if self.once else self.key


def link(path: str) -> str:
    """An absolute link for an e-mail: a cron job has no request to take the host from."""
    return settings.SITE_URL.rstrip("/") + path


Collector = Callable[[datetime.date], list[ReminderItem]]
_collectors: list[Collector] = []


def register_collector(collect: Collector) -> None:
    """Add an app's collector; digests list the apps' items in the order they registered (INSTALLED_APPS order)."""
    if collect not in _collectors:
        _collectors.append(collect)


def reminder_sources() -> list[Collector]:
    """Every registered collector."""
    return list(_collectors)


DailyJob = Callable[[datetime.date], object]
_daily_jobs: list[DailyJob] = []


def register_daily_job(job: DailyJob) -> None:
    """Add what must change once a day before the reminders are gathered (a notice that turns yellow when its
    deadline has passed): ``send_reminders`` runs each with the day it acts for, except on a dry run."""
    if job not in _daily_jobs:
        _daily_jobs.append(job)


def daily_jobs() -> list[DailyJob]:
    return list(_daily_jobs)
