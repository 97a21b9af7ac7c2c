from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """django-rest-knox's tokens, sent as ``Authorization: Token <token>``: one per device, each expiring after
    ``REST_KNOX["TOKEN_TTL"]``, revoked by logging out (``/api/v1/auth/logout/``), on the user's own page and when the
    password changes. A token without an expiry (made by hand) is refused: every token ends."""

    def validate_user(self, auth_token):
        if auth_token.expiry is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().validate_user(auth_token)
