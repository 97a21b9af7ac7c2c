"""The public's support and oppose votes on published replies (公开): at most ``PROPOSALS["VOTES_PER_HOUR"]`` an
hour from one address, counted in the database (``PublicVoteTally``), so that the limit holds whichever worker of the
server takes each vote (in each worker's memory, two workers let 59 votes of 70 through against a limit of 30)."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import PublicVoteTally, Reply

KEPT = datetime.timedelta(days=1)


def _take_allowance(address: str, hour: datetime.datetime) -> bool:
    """Count one vote of ``address`` in ``hour`` unless it reached the limit; whether it was counted. One
    conditional UPDATE does it, which the database applies to one row at a time, so concurrent votes never pass the
    limit together."""
    limit = settings.PROPOSALS["VOTES_PER_HOUR"]
    tallies = PublicVoteTally.objects.filter(address=address, hour=hour)
    if tallies.filter(votes__lt=limit).update(votes=F("votes") + 1):
        return True
    if limit < 1 or tallies.exists():
        return False
    try:
        with transaction.atomic():
            PublicVoteTally.objects.create(address=address, hour=hour, votes=1)
        return True
    except IntegrityError:  # another worker counted this hour's first vote meanwhile: count against its row
        return bool(tallies.filter(votes__lt=limit).update(votes=F("votes") + 1))


@transaction.atomic
def public_vote(*, reply: Reply, choice: str, address: str, now: datetime.datetime | None = None) -> bool:
    """Add the public's ``choice`` ("support" or "oppose") to ``reply``; False, and nothing counted, when
    ``address`` has voted its hour's allowance already."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    if not _take_allowance(address[:45], hour):
        return False
    counter = "support_count" if choice == "support" else "oppose_count"
    Reply.objects.filter(pk=reply.pk).update(**{counter: F(counter) + 1})
    PublicVoteTally.objects.filter(hour__lt=hour - KEPT).delete()
    return True
