"""The public's hourly vote limit is kept in the database (proposals.votes), so every worker of the server counts the
same votes: a worker's memory (a per-process cache) forgetting them changes nothing, and two connections voting at
once (PostgreSQL) never pass the limit together."""

import datetime
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from proposals import votes
from proposals.choices import ReplyStatus
from proposals.models import PublicVoteTally, Reply, ResultClass
from tests.factories import OrganizationFactory, ProposalFactory

LIMIT = 30


@pytest.fixture
def published(db, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "VOTES_PER_HOUR": LIMIT}
    result_class, _ = ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳"})
    return Reply.objects.create(
        proposal=ProposalFactory(),
        unit=OrganizationFactory(),
        text="现答复如下。",
        result_class=result_class,
        issued_on=datetime.date(2026, 5, 4),
        # Issued (signed off in the system): only an issued reply counts, or may be published.
        status=ReplyStatus.ISSUED,
        signed_off_on=datetime.date(2026, 5, 4),
        signed_off_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 0)),
        is_public=True,
    )


def vote(reply, address="10.1.2.3"):
    """One visitor (a browser session of its own) supports the reply from ``address``."""
    return Client(REMOTE_ADDR=address).post(f"/public/proposals/{reply.pk}/vote/", {"choice": "support"}).status_code


@pytest.mark.django_db
def test_the_limit_holds_when_a_workers_memory_forgets(published):
    statuses = []
    for _ in range(LIMIT + 5):
        statuses.append(vote(published))
        cache.clear()  # as another worker, with a cache of its own, would see it
    assert statuses.count(302) == LIMIT and statuses.count(429) == 5
    published.refresh_from_db()
    assert published.support_count == LIMIT
    assert vote(published, address="10.1.2.4") == 302


@pytest.mark.django_db
def test_each_hour_has_its_own_allowance_and_old_tallies_go(published):
    now = timezone.now()
    for _ in range(LIMIT):
        assert votes.public_vote(reply=published, choice="oppose", address="10.9.9.9", now=now)
    assert not votes.public_vote(reply=published, choice="oppose", address="10.9.9.9", now=now)
    assert votes.public_vote(
        reply=published, choice="oppose", address="10.9.9.9", now=now + datetime.timedelta(hours=1)
    )
    assert votes.public_vote(reply=published, choice="oppose", address="10.9.9.9", now=now + datetime.timedelta(days=2))
    assert PublicVoteTally.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections voting at once")
@pytest.mark.django_db(transaction=True)
def test_two_workers_voting_at_once_never_pass_the_limit(published):
    """Two connections, as two gunicorn workers, 35 votes each from one address: 30 counted (the demo server's two
    workers counted 59 of 70)."""
    barrier = threading.Barrier(2)
    statuses = [[], []]

    def worker(index):
        try:
            barrier.wait(timeout=10)
            for _ in range(35):
                statuses[index].append(vote(published))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    accepted = sum(status == 302 for worker_statuses in statuses for status in worker_statuses)
    assert accepted == LIMIT
    published.refresh_from_db()
    assert published.support_count == LIMIT
    assert PublicVoteTally.objects.get().votes == LIMIT
