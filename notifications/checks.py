"""Configuration mistakes in the channels' settings, reported by ``manage.py check`` rather than by a failed send."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from .channels.base import Channel
from .channels.robots import ROBOT_KINDS


@register()
def notification_settings(app_configs=None, **kwargs):
    errors = []
    config = settings.NOTIFICATIONS
    for code, path in config["CHANNELS"].items():
        try:
            loaded = import_string(path)
        except ImportError as error:
            message = f"Notification channel {code!r}: cannot import {path}: {error}"
            errors.append(Error(message, id="notifications.E001"))
            continue
        if not (isinstance(loaded, type) and issubclass(loaded, Channel)):
            errors.append(Error(f"Notification channel {code!r}: {path} is not a Channel", id="notifications.E001"))
    for name, robot in config["ROBOTS"].items():
        if not isinstance(robot, dict) or robot.get("kind") not in ROBOT_KINDS or not robot.get("url"):
            errors.append(
                Error(
                    f"NOTIFICATIONS_ROBOTS[{name!r}] needs a kind ({', '.join(ROBOT_KINDS)}) and a url",
                    id="notifications.E002",
                )
            )
    if config["SMS"]["URL"] and not isinstance(config["SMS"]["TEMPLATES"], dict):
        errors.append(Error("NOTIFICATIONS_SMS_TEMPLATES must be a JSON object", id="notifications.E003"))
    if config["KEEP_DELIVERIES_DAYS"] < 1:
        errors.append(Error("NOTIFICATIONS_KEEP_DELIVERIES_DAYS must be 1 or more", id="notifications.E004"))
    return errors
