"""Optimistic locking for ``VersionedModel`` rows: an edit says which version it started from, and a save over a
newer version is refused instead of silently overwriting someone else's change.

Forms carry the version in a hidden field; API clients send it as the ``version`` field or an ``If-Match`` header
(the ``ETag`` of a read). An edit that names no version is not checked, so older clients keep working.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .exceptions import StaleVersionError


def parse_version(value) -> int | None:
    """A version from a form, a JSON body or an ``If-Match`` header (``"7"``, ``W/"7"``, ``7``); None when absent or
    ``*`` (any version)."""
    if value is None or value == "" or value == "*":
        return None
    if isinstance(value, bool):
        raise ValidationError(_("A version is a whole number."))
    text = str(value).strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise ValidationError(_("A version is a whole number."))
    return int(text)


def check_version(obj, expected: int | None):
    """Lock ``obj``'s row for the rest of the transaction and refuse the edit when it was made on another version.

    Call inside the transaction that saves, so that nobody can save between the check and the write.
    """
    if expected is None or obj.pk is None:
        return
    current = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is not None and current != expected:
        raise StaleVersionError(obj, current)
