"""What a channel is: who it can reach and how, which kinds it carries by default, and how it sends."""

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings

from accounts.models import User

from ..choices import NotificationKind
from ..reminders import link


class DeliveryFailed(Exception):
    """The channel did not take the message; the dispatcher logs the reason and tries again later."""


class Channel:
    """One way out. Subclasses set ``label`` and implement ``addresses`` and ``send``.

    ``digest``: deliveries waiting for one address go out as one message (``batches`` may split it where the
    channel bounds a message's size). ``default_kinds``: the kinds a person gets by this channel until they choose.
    """

    code = ""  # set from the key in settings.NOTIFICATIONS["CHANNELS"]
    label = ""
    digest = False
    default_kinds: frozenset[str] = frozenset(NotificationKind.values)

    def kinds(self) -> list[str]:
        """The kinds this channel can carry (the preference grid offers no box for the others)."""
        return list(NotificationKind.values)

    def default(self, kind: str) -> bool:
        return kind in self.default_kinds

    def addresses(self, users: Sequence[User]) -> dict[int, str]:
        """Where each user is reached by this channel (by user pk), leaving out those it cannot reach."""
        raise NotImplementedError

    def messages_per_minute(self, address: str) -> int | None:
        """How many messages the address takes a minute (None: no limit); the rest wait for the next run."""
        return None

    def batches(self, deliveries: Sequence) -> list[list]:
        """The messages that carry these deliveries to one address: all in one for a digest, else one each."""
        return [list(deliveries)] if self.digest else [[delivery] for delivery in deliveries]

    def send(self, address: str, deliveries: Sequence) -> None:
        """Send one message carrying ``deliveries`` (their ``notification`` loaded) to ``address``; raise
        ``DeliveryFailed`` (or any error) when it was not taken."""
        raise NotImplementedError


def post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    """POST ``payload`` as JSON and return the answer's JSON (empty when there is none); refused answers raise
    ``DeliveryFailed``. The standard library's client: a webhook needs no more."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    timeout = settings.NOTIFICATIONS["TIMEOUT_SECONDS"]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code}: {error.read(500).decode(errors='replace')}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise DeliveryFailed(str(getattr(error, "reason", error))) from None
    try:
        answer = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def absolute(url: str) -> str:
    """A notification's link as a message outside the site needs it: the site's own paths made absolute."""
    return link(url) if url.startswith("/") else url
