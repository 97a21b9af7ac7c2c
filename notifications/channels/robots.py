"""The group robots of the units' and offices' chats: 钉钉 (DingTalk) and 企业微信 (WeCom) custom robots.

Each robot is configured in ``settings.NOTIFICATIONS["ROBOTS"]`` under the name of the organisation whose chat it
posts to (``{"镇海区智慧办": {"kind": "dingtalk", "url": "…", "secret": "…"}}``); a person reaches the robot of
their own unit. What waits for one robot goes out as one markdown digest (split only where a message would exceed
the robot's size limit), and a robot gets at most ``ROBOT_MESSAGES_PER_MINUTE`` messages a minute: both platforms
refuse more than about 20."""

import base64
import hashlib
import hmac
import time
import urllib.parse

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization

from ..choices import NotificationKind
from .base import Channel, DeliveryFailed, absolute, post_json


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """钉钉's 加签: ``timestamp`` (ms) and ``sign`` = base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret,
    URL-encoded, appended to the webhook."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


class DingTalk:
    # 钉钉 takes a markdown text of up to 20,000 bytes.
    max_bytes = 18000

    def post(self, robot: dict, title: str, text: str):
        url = robot["url"]
        if robot.get("secret"):
            url = dingtalk_signed_url(url, robot["secret"])
        return post_json(url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})


class WeCom:
    """企业微信: the key in the webhook's URL is the only credential (it has no signing)."""

    # 企业微信 takes a markdown content of up to 4,096 bytes.
    max_bytes = 4000

    def post(self, robot: dict, title: str, text: str):
        return post_json(robot["url"], {"msgtype": "markdown", "markdown": {"content": text}})


ROBOT_KINDS = {"dingtalk": DingTalk(), "wecom": WeCom()}


def line(notification) -> str:
    title = notification.title.replace("[", "［").replace("]", "］")
    head = f"[{title}]({absolute(notification.url)})" if notification.url else title
    text = " ".join(notification.text.split())
    return f"- **{head}** {text}".rstrip()


class RobotChannel(Channel):
    label = gettext_lazy("Unit's group robot")
    digest = True
    default_kinds = frozenset({NotificationKind.CHASE, NotificationKind.NOTICE, NotificationKind.ESCALATION})

    @staticmethod
    def robots() -> dict:
        return settings.NOTIFICATIONS["ROBOTS"]

    def addresses(self, users):
        robots = self.robots()
        if not robots:
            return {}
        units = {user.organization_id for user in users if user.organization_id}
        names = dict(Organization.objects.filter(pk__in=units, name__in=list(robots)).values_list("pk", "name"))
        return {user.pk: names[user.organization_id] for user in users if user.organization_id in names}

    def messages_per_minute(self, address):
        return settings.NOTIFICATIONS["ROBOT_MESSAGES_PER_MINUTE"]

    def _transport(self, address: str):
        robot = self.robots().get(address)
        if robot is None:
            raise DeliveryFailed(f"No robot is configured for {address}.")
        transport = ROBOT_KINDS.get(robot.get("kind"))
        if transport is None:
            raise DeliveryFailed(f"Unknown robot kind {robot.get('kind')!r} for {address}.")
        return robot, transport

    def batches(self, deliveries):
        """One message while the lines fit the robot's limit; the same line for several members of one unit (a
        report returned to both its liaisons) is one line."""
        robot = self.robots().get(deliveries[0].address) if deliveries else None
        transport = ROBOT_KINDS.get((robot or {}).get("kind"), DingTalk())
        messages, current, size, seen = [], [], 0, {}
        for delivery in deliveries:
            text = line(delivery.notification)
            if text in seen:
                seen[text].append(delivery)
                continue
            cost = len(text.encode()) + 1
            if current and size + cost > transport.max_bytes:
                messages.append(current)
                current, size = [], 0
            current.append(delivery)
            seen[text] = current
            size += cost
        if current:
            messages.append(current)
        return messages

    def send(self, address, deliveries):
        robot, transport = self._transport(address)
        lines = list(dict.fromkeys(line(delivery.notification) for delivery in deliveries))
        title = _("%(site)s: %(count)d notifications") % {"site": settings.SITE_TITLE, "count": len(lines)}
        text = f"#### {title}\n\n" + "\n".join(lines)
        answer = transport.post(robot, title, text)
        if answer.get("errcode", 0) != 0:
            raise DeliveryFailed(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
