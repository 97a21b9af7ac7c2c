"""API tokens (django-rest-knox): one per device that asked for it, each expiring after ``REST_KNOX["TOKEN_TTL"]``."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from ..models import User


def api_token_issue(*, user: User) -> tuple[AuthToken, str]:
    """A new API token for ``user`` (a device's): the stored row and the token itself, shown this once. A user keeps
    at most ``API_TOKENS_PER_USER`` tokens: the oldest beyond them, and any expired, are revoked."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per user
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        tokens = AuthToken.objects.filter(user=user)
        tokens.filter(expiry__lte=timezone.now()).delete()
        kept = tokens.order_by("-created").values_list("digest", flat=True)[: settings.API_TOKENS_PER_USER]
        tokens.exclude(digest__in=list(kept)).delete()
    return instance, token


def api_tokens_revoke(*, user: User, digest: str | None = None) -> int:
    """Revoke one of ``user``'s tokens (by its digest), or all of them; how many were revoked."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
    count, _by_model = tokens.delete()
    return count
