"""Sending what ``notify`` queued: each channel's due deliveries, per address, as few messages as the channel allows.

A run claims the rows it sends (``pending`` → ``sending``, with a message id of its own, under a row lock that a
concurrent run skips), sends outside any transaction, then marks them ``sent`` or schedules the next attempt. A row
marked sent is never claimed again; a row left ``sending`` by a run that died is claimed again after
``STUCK_AFTER``, the one case where a message may go out twice (a crash between the channel's answer and the mark)."""

import datetime
import logging
import uuid
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .channels import Channel, channels
from .choices import DeliveryStatus
from .models import Delivery

logger = logging.getLogger(__name__)

STUCK_AFTER = datetime.timedelta(minutes=10)
RATE_WINDOW = datetime.timedelta(minutes=1)


def dispatch(now: datetime.datetime | None = None) -> Counter:
    """Send every due delivery; returns how many were sent, retried later, failed for good and deferred (a robot's
    rate limit reached)."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, last_attempt_at__lt=now - STUCK_AFTER).update(
        status=DeliveryStatus.PENDING
    )
    counts = Counter()
    configured = channels()
    waiting = Delivery.objects.due(now).filter(channel__in=list(configured)).order_by("channel", "address")
    for code, address in list(waiting.values_list("channel", "address").distinct()):
        channel = configured[code]
        for message, rows in _claim(channel, address, now, counts):
            _send(channel, address, message, rows, now, counts)
    return counts


def _claim(channel: Channel, address: str, now, counts: Counter) -> list[tuple[str, list[Delivery]]]:
    """Take the address's due deliveries for this run, as the messages that will carry them (no more than the
    address's rate limit leaves this minute)."""
    with transaction.atomic():
        due = (
            Delivery.objects.due(now)
            .filter(channel=channel.code, address=address)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
        )
        batches = [batch for batch in channel.batches(list(due)) if batch]
        limit = channel.messages_per_minute(address)
        if limit is not None:
            recent = (
                Delivery.objects.filter(channel=channel.code, address=address, last_attempt_at__gt=now - RATE_WINDOW)
                .exclude(message="")
                .values("message")
                .distinct()
                .count()
            )
            allowed = max(limit - recent, 0)
            counts["deferred"] += sum(len(batch) for batch in batches[allowed:])
            batches = batches[:allowed]
        claimed = []
        for batch in batches:
            message = uuid.uuid4().hex
            # Conditional: a row another run took meanwhile (where the database has no row locks) is not taken twice.
            Delivery.objects.filter(pk__in=[row.pk for row in batch], status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now, message=message
            )
            taken = set(Delivery.objects.filter(message=message).values_list("pk", flat=True))
            rows = [row for row in batch if row.pk in taken]
            if rows:
                claimed.append((message, rows))
    return claimed


def _send(channel: Channel, address: str, message: str, rows: list[Delivery], now, counts: Counter):
    mine = Delivery.objects.filter(message=message, status=DeliveryStatus.SENDING)
    try:
        channel.send(address, rows)
    except Exception as error:  # a channel's failure of any kind is logged on its rows and retried
        logger.warning("Notification channel %s could not send to %s: %s", channel.code, address, error)
        error_text = f"{type(error).__name__}: {error}"[:2000]
        # A digest may carry rows at different attempts (new lines beside a retried one): each keeps its own count.
        by_attempts: dict[int, list[int]] = {}
        for row in rows:
            by_attempts.setdefault(row.attempts + 1, []).append(row.pk)
        for attempts, pks in by_attempts.items():
            if attempts >= settings.NOTIFICATIONS["MAX_ATTEMPTS"]:
                counts["failed"] += mine.filter(pk__in=pks).update(status=DeliveryStatus.FAILED, last_error=error_text)
            else:
                delay = settings.NOTIFICATIONS["RETRY_SECONDS"] * 2 ** (attempts - 1)
                counts["retried"] += mine.filter(pk__in=pks).update(
                    status=DeliveryStatus.PENDING,
                    last_error=error_text,
                    next_attempt_at=now + datetime.timedelta(seconds=delay),
                )
        return
    counts["sent"] += mine.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
