"""Sending a notification: the one way every app tells people something (``notify``)."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User

from .models import Notification


def clip(text: str, limit: int) -> str:
    text = (text or "").replace("\x00", "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notify(recipients: Iterable[User], *, kind: str, title: str, text: str = "", url: str = "", key: str = ""):
    """Put one notification in each active recipient's centre, once per ``key`` (a repeated call adds nothing), and
    queue its delivery by the channels each recipient chose. Returns the notifications created.

    Called inside the caller's transaction: nothing is delivered unless the step that caused it commits, and the
    request never waits for a channel (the deliveries go out from ``dispatch``)."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return []
    title, text, url = clip(title, 200), clip(text, 2000), url[:300]
    if key:
        key = key[:100]
        already = set(Notification.objects.filter(key=key, recipient__in=people).values_list("recipient", flat=True))
        people = {pk: user for pk, user in people.items() if pk not in already}
    created = []
    for user in people.values():
        # One savepoint per row: a concurrent step that sent the same key first wins, this one adds nothing.
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(recipient=user, kind=kind, title=title, text=text, url=url, key=key)
                )
        except IntegrityError:
            if not key:
                raise
    return created


def mark_read(user: User, notifications=None) -> int:
    """Mark the user's own notifications read (all unread ones when none are named); returns how many changed."""
    rows = Notification.objects.filter(recipient=user).unread()
    if notifications is not None:
        rows = rows.filter(pk__in=[getattr(n, "pk", n) for n in notifications])
    return rows.update(read_at=timezone.now())
