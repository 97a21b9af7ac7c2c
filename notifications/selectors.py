"""Reading the centre: a person's own notifications, unread first, and their grid of channel choices."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from accounts.models import User

from .channels import channels
from .choices import NotificationKind
from .models import Notification
from .services import preferences, wants


def notification_list(*, user: User):
    """The user's own notifications, unread first, newest first within each."""
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Notification.objects.filter(recipient=user).order_by(unread_first, "-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user).unread().count()


@dataclass(frozen=True)
class Cell:
    name: str  # the checkbox's name: "kind:channel"
    label: str  # what a screen reader says of it: the kind and the channel
    offered: bool
    checked: bool


@dataclass(frozen=True)
class ChannelColumn:
    code: str
    label: str
    reachable: bool  # the user has an address for it (an e-mail address, a unit with a robot, a mobile number)


def preference_grid(user: User) -> tuple[list[ChannelColumn], list[tuple[str, list[Cell]]]]:
    """The columns (channels that carry some kind) and a row per kind with the user's current choice in each cell."""
    configured = {code: channel for code, channel in channels().items() if channel.kinds()}
    columns = [
        ChannelColumn(code, str(channel.label), user.pk in channel.addresses([user]))
        for code, channel in configured.items()
    ]
    chosen = preferences([user])[user.pk]
    rows = []
    for kind, label in NotificationKind.choices:
        cells = [
            Cell(f"{kind}:{code}", f"{label} · {channel.label}", kind in channel.kinds(), wants(chosen, kind, code))
            for code, channel in configured.items()
        ]
        rows.append((label, cells))
    return columns, rows
