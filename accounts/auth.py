"""Hooks on Django's own account handling."""

from django.utils.translation import gettext as _


class RevokeApiTokensOnPasswordChange:
    """Not a rule on passwords but Django's hook for a password that changed (``password_changed``, which
    ``AbstractBaseUser.save`` calls after ``set_password`` on every path: the password page, the admin,
    ``manage.py changepassword``, a reset): the user's API tokens are revoked, so a device that knew the old
    password must log in again."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            from .services import api_tokens_revoke

            api_tokens_revoke(user=user)

    def get_help_text(self):
        return _("Changing your password signs your devices out of the API: their tokens are revoked.")
