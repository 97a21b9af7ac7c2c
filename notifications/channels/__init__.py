"""The channels that carry a notification beyond the centre, behind one interface (``base.Channel``).

They are registered by dotted path in ``settings.NOTIFICATIONS["CHANNELS"]`` (code → class), so an office adds its
own (a 浙政钉 work-notice adapter, say) without changing this app: see the README, "Notifications"."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Channel, DeliveryFailed

__all__ = ["Channel", "DeliveryFailed", "channels"]


@cache
def _load(paths: tuple[tuple[str, str], ...]) -> dict[str, Channel]:
    loaded = {}
    for code, path in paths:
        channel = import_string(path)()
        channel.code = code
        loaded[code] = channel
    return loaded


def channels() -> dict[str, Channel]:
    """The configured channels by code, in the settings' order (the preference grid's columns)."""
    return _load(tuple(settings.NOTIFICATIONS["CHANNELS"].items()))
