"""Uploaded spreadsheets waiting between the import's preview and its confirm.

They are kept by django-import-export's own temporary storage (``MediaStorage``) on the ``import_export`` storage of
``settings.STORAGES``: a private directory (``IMPORT_UPLOAD_DIR``, mode 0700) with a folder per user, files 0600.
The session remembers which tokens are this user's; a token names a file only in its user's folder. A user keeps at
most ``IMPORT_PENDING_PER_USER`` files (a new upload discards the oldest), each for at most
``IMPORT_UPLOAD_LIFETIME_MINUTES``; the confirm and the cancel remove theirs, and ``manage.py clean_imports`` (from
cron) removes what was abandoned.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone
from import_export.tmp_storages import MediaStorage

SESSION_KEY = "pending_imports"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
STORAGE = "import_export"


def _storage():
    return storages[STORAGE]


def _file(user, token: str) -> MediaStorage:
    """The waiting file ``token`` of ``user``: in the user's own folder of the private storage."""
    return MediaStorage(name=f"{token}.upload", MEDIA_FOLDER=str(user.pk))


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.IMPORT_UPLOAD_LIFETIME_MINUTES)


def _user_files(folder: str) -> list[tuple[datetime.datetime, str]]:
    """(time saved, path) of the files in one user's folder, oldest first."""
    storage = _storage()
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        path = f"{folder}/{name}"
        try:
            found.append((storage.get_modified_time(path), path))
        except OSError:
            continue
    return sorted(found)


def clean(*, now: datetime.datetime | None = None, everything: bool = False) -> int:
    """Remove the waiting files older than their lifetime (every one with ``everything``); how many were removed."""
    storage = _storage()
    cutoff = (now or timezone.now()) - _lifetime()
    try:
        folders, _names = storage.listdir("")
    except FileNotFoundError:
        return 0
    removed = 0
    for folder in folders:
        for saved, path in _user_files(folder):
            if everything or saved < cutoff:
                storage.delete(path)
                removed += 1
    return removed


def keep(session, user, *, key: str, data: bytes, filename: str) -> str:
    """Keep an uploaded file until ``user`` confirms (or abandons) its import; returns the token the confirm form sends
    back. The user's oldest waiting files beyond the quota, and any past their lifetime, are removed."""
    token = secrets.token_urlsafe(24)
    _file(user, token).save(data)
    storage = _storage()
    files = _user_files(str(user.pk))
    cutoff = timezone.now() - _lifetime()
    keep_from = max(0, len(files) - settings.IMPORT_PENDING_PER_USER)
    for index, (saved, path) in enumerate(files):
        if index < keep_from or saved < cutoff:
            storage.delete(path)
    pending = {
        name: entry
        for name, entry in session.get(SESSION_KEY, {}).items()
        if storage.exists(_file(user, name).get_full_path())
    }
    pending[token] = {"resource": key, "filename": filename}
    session[SESSION_KEY] = pending
    return token


def pending(session, user, token: str, key: str) -> tuple[bytes, str] | None:
    """The bytes and name of a file this session uploaded for ``key``; None when unknown, expired or removed."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    entry = session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("resource") != key:
        return None
    file = _file(user, token)
    try:
        if _storage().get_modified_time(file.get_full_path()) < timezone.now() - _lifetime():
            file.remove()
            return None
        return file.read(), entry.get("filename", "")
    except OSError:
        return None


def discard(session, user, token: str):
    entries = dict(session.get(SESSION_KEY, {}))
    if entries.pop(token, None) is not None:
        session[SESSION_KEY] = entries
    if TOKEN_PATTERN.match(token or ""):
        _file(user, token).remove()
