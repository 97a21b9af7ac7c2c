"""Text messages through the office's SMS gateway, over HTTP.

Chinese gateways send only pre-approved signatures (签名) and templates (模板): the message is a template id and its
parameters, never free text. Each kind of notification that may go by SMS has its template id in
``settings.NOTIFICATIONS["SMS"]["TEMPLATES"]``; a kind without one is not offered. The gateway receives one JSON POST
per message, with the token in a header (the README documents the payload, so that an office can put a small adapter
in front of its own gateway)."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy

from ..choices import NotificationKind
from .base import Channel, DeliveryFailed, post_json

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Gateways bound each template parameter (35 characters at the largest ones).
PARAM_LENGTH = 35


def mobile_number(text: str) -> str:
    """A mainland mobile number as the gateways take it (11 digits), or "" when ``text`` is none."""
    number = re.sub(r"[\s\-()]", "", text or "")
    number = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", number)
    return number if MOBILE.match(number) else ""


def sms_settings() -> dict:
    return settings.NOTIFICATIONS["SMS"]


class SmsChannel(Channel):
    label = gettext_lazy("Text message")
    default_kinds = frozenset({NotificationKind.ESCALATION, NotificationKind.NOTICE})

    def kinds(self):
        if not sms_settings()["URL"]:
            return []
        templates = sms_settings()["TEMPLATES"]
        return [kind for kind in NotificationKind.values if templates.get(kind)]

    def addresses(self, users):
        if not sms_settings()["URL"]:
            return {}
        numbers = {user.pk: mobile_number(user.phone) for user in users}
        return {pk: number for pk, number in numbers.items() if number}

    @staticmethod
    def params(delivery) -> dict:
        if delivery.notification is None:
            return {str(name): str(value)[:PARAM_LENGTH] for name, value in delivery.params.items()}
        return {"title": delivery.notification.title[:PARAM_LENGTH]}

    def send(self, address, deliveries):
        (delivery,) = deliveries
        config = sms_settings()
        template = config["TEMPLATES"].get(delivery.kind)
        if not config["URL"] or not template:
            raise DeliveryFailed(f"No SMS gateway or template is configured for {delivery.kind}.")
        payload = {
            "phone": address,
            "signature": config["SIGNATURE"],
            "template": template,
            "params": self.params(delivery),
            "id": f"delivery-{delivery.pk}",
        }
        answer = post_json(config["URL"], payload, headers={config["TOKEN_HEADER"]: config["TOKEN"]})
        if answer.get("ok") is False:
            raise DeliveryFailed(str(answer.get("error") or answer)[:500])
