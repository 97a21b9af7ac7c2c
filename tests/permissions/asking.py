"""Asking one address as one role with one method, and comparing the answer with the table's."""

import json
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from tests.permissions.table import ADMIN, LOGIN, ROLES, SIGNER, Row

LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"


def ask(w, row: Row, role: str, method: str):
    """(status, Location, whether the write happened) for one request, made in a savepoint rolled back after it."""
    client = w.client  # one for the table: a new one would load the middleware (and scan the static files) again
    client.cookies.clear()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[role]
    target = row.url(w).format(**w.fill)
    payload = None
    if method != "GET":
        maker = row.data if method == "POST" else (row.change if row.api else None)
        payload = maker(w) if maker else {}
    with transaction.atomic():
        cache.clear()
        try:
            if method == "GET":
                response = client.get(target)
            elif row.api and not row.multipart:
                response = client.generic(method, target, json.dumps(payload), content_type="application/json")
            elif method == "POST":
                response = client.post(target, payload)  # multipart, as a browser's form or an upload
            else:
                response = client.generic(method, target)
        except Exception as error:  # a 500: an answer of the table's, reported with its cause
            transaction.set_rollback(True)
            return 500, repr(error), None
        done = row.done(w) if row.done is not None and method == "POST" else None
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), done


def mismatch(w, row: Row, role: str, method: str, expected) -> str | None:
    status, location, done = ask(w, row, role, method)
    target = row.url(w).format(**w.fill)
    if expected == LOGIN:
        ok = status == 302 and location == f"{LOGIN_URL}?next={quote(target, safe='/')}"
    elif expected == ADMIN:
        ok = status == 302 and location.startswith(f"{ADMIN_LOGIN_URL}?next=")
    else:
        ok = status == expected
        if status == 302:  # a redirect to a login page asking to come back is a refusal, not a success
            ok = ok and not location.startswith((f"{LOGIN_URL}?next=", f"{ADMIN_LOGIN_URL}?next="))
    if ok and done is not None:
        succeeded = expected not in (LOGIN, ADMIN) and status in ((200, 201, 204) if row.api else (302,))
        if done is not succeeded:
            return f"{method} {role}: answered {status} but the write {'did not happen' if succeeded else 'happened'}"
    if ok:
        return None
    return f"{method} {role}: expected {expected}, got {status} {location}".rstrip()


def wrong_answers(w, row: Row) -> list[str]:
    """Every role and method whose answer differs from the row's expectation, one line each."""
    return [
        problem
        for method, expected in row.expect.items()
        for role, status in [*zip(ROLES, expected, strict=True), (SIGNER, row.signer_expects(method))]
        if (problem := mismatch(w, row, role, method, status))
    ]
