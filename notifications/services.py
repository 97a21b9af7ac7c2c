"""Sending a notification: the one way every app tells people something (``notify``), a text message to someone
without an account (``queue_text_message``), and each person's choice of channels (``preferences``)."""

import datetime
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .channels import channels
from .channels.sms import mobile_number
from .choices import DeliveryStatus, NotificationKind
from .models import Delivery, Notification, Preference


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
    queue_deliveries(created)
    return created


def notify_each(messages: Iterable[tuple[User, str, str]], *, kind: str, url: str, key: str) -> list[Notification]:
    """``notify`` for many people at once, each with their own (title, text): a fixed number of queries however many
    there are (the daily reminders' run). Once per person and ``key``, as ``notify``."""
    wanted = {user.pk: (user, title, text) for user, title, text in messages if user is not None and user.is_active}
    if not wanted:
        return []
    key, url = key[:100], url[:300]
    already = set(Notification.objects.filter(key=key, recipient__in=wanted).values_list("recipient", flat=True))
    Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=clip(title, 200), text=clip(text, 2000), url=url, key=key)
            for pk, (user, title, text) in wanted.items()
            if pk not in already
        ],
        ignore_conflicts=True,  # a concurrent run that wrote the same key first wins
    )
    fresh = [pk for pk in wanted if pk not in already]
    created = list(Notification.objects.filter(key=key, recipient__in=fresh))
    for notification in created:
        notification.recipient = wanted[notification.recipient_id][0]
    queue_deliveries(created)
    return created


def members_of(units: Iterable, roles: Iterable[str]):
    """The active users of these units (organisations or their ids) who hold any of these roles: a unit's liaisons
    and signers, say."""
    ids = [getattr(unit, "pk", unit) for unit in units]
    return User.objects.filter(is_active=True, organization__in=ids, groups__name__in=list(roles)).distinct()


def preferences(users: Iterable[User]) -> dict[int, dict[tuple[str, str], bool]]:
    """Each user's choices by (kind, channel) where they made one; the channel's default holds elsewhere."""
    chosen: dict[int, dict[tuple[str, str], bool]] = {user.pk: {} for user in users}
    rows = Preference.objects.filter(user__in=list(chosen)).values_list("user", "kind", "channel", "enabled")
    for user_id, kind, channel, enabled in rows:
        chosen[user_id][(kind, channel)] = enabled
    return chosen


def wants(choices: Mapping[tuple[str, str], bool], kind: str, code: str) -> bool:
    """Whether a person with these choices gets ``kind`` by channel ``code``."""
    channel = channels()[code]
    if kind not in channel.kinds():
        return False
    return choices.get((kind, code), channel.default(kind))


def queue_deliveries(notifications: list[Notification]) -> list[Delivery]:
    """The outbox rows for new notifications: one per channel each recipient chose and can be reached by."""
    if not notifications:
        return []
    users = list({item.recipient.pk: item.recipient for item in notifications}.values())
    chosen = preferences(users)
    addresses = {code: channel.addresses(users) for code, channel in channels().items()}
    rows = [
        Delivery(notification=item, channel=code, address=addresses[code][item.recipient.pk], kind=item.kind)
        for item in notifications
        for code in channels()
        if item.recipient.pk in addresses[code] and wants(chosen[item.recipient.pk], item.kind, code)
    ]
    # A concurrent ``notify_each`` that queued the same notification first wins.
    return Delivery.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def set_preferences(*, user: User, enabled: set[tuple[str, str]]) -> None:
    """Record the grid as the user ticked it: every (kind, channel) it offers is on exactly when in ``enabled``."""
    offered = [(kind, code) for code, channel in channels().items() for kind in channel.kinds()]
    Preference.objects.filter(user=user).delete()
    Preference.objects.bulk_create(
        Preference(user=user, kind=kind, channel=code, enabled=(kind, code) in enabled) for kind, code in offered
    )


def queue_text_message(phone: str, *, kind: str, params: dict, key: str) -> Delivery | None:
    """Queue a text message to someone without an account (a CPPCC proposer who gave a mobile number and consent):
    the template of ``kind`` with ``params``, once per ``key`` (a repeated call queues nothing and returns the first
    one). None when no SMS gateway or no template for the kind is configured: the office does not send texts."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if not key:
        raise ValueError("A text message needs its key, so that it is sent once.")
    channel = channels().get("sms")
    if channel is None or kind not in channel.kinds():
        return None
    number = mobile_number(phone)
    if not number:
        raise ValidationError(_("%(phone)s is not a mobile number.") % {"phone": phone}, code="phone")
    key = key[:100]
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                channel="sms", address=number, kind=kind, params={str(k): str(v) for k, v in params.items()}, key=key
            )
    except IntegrityError:
        return Delivery.objects.get(channel="sms", key=key)


def mark_read(user: User, notifications=None) -> int:
    """Mark the user's own notifications read (all unread ones when none are named); returns how many changed."""
    rows = Notification.objects.filter(recipient=user).unread()
    if notifications is not None:
        rows = rows.filter(pk__in=[getattr(n, "pk", n) for n in notifications])
    return rows.update(read_at=timezone.now())


def delete_old_deliveries(now=None, *, batch: int = 5000) -> int:
    """Delete the delivery log's rows settled (sent, or failed for good) more than ``KEEP_DELIVERIES_DAYS`` ago, a
    batch at a time so that no statement holds many rows; a text message's keyed row stays (it stops its matter
    being sent twice). Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.NOTIFICATIONS["KEEP_DELIVERIES_DAYS"])
    settled = Delivery.objects.filter(
        Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created_at__lt=cutoff),
        status__in=(DeliveryStatus.SENT, DeliveryStatus.FAILED),
        key="",
    )
    deleted = 0
    while True:
        ids = list(settled.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += Delivery.objects.filter(pk__in=ids).delete()[0]
