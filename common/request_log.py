"""One log line per request, and the request's id on every log line the request causes.

The id is the reverse proxy's ``X-Request-ID`` (nginx: ``proxy_set_header X-Request-ID $request_id``) when it is a
short token of safe characters, so that the proxy's access log and the app's name the same request on whichever app
server it landed; otherwise a new one. The response carries it back in the same header, so a user who meets an error
page can quote it. ``RequestIdFilter``, on the log handler, stamps every record (Django's, the libraries', ours) with
the id of the request being answered, or ``-`` outside one.
"""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
# Long enough for a UUID, nginx's 32 hex digits or a load balancer's trace id; nothing that could break a log line or
# a header.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
logger = logging.getLogger("smartcity.requests")


def current_request_id() -> str | None:
    """The id of the request this thread is answering, if any."""
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    # A user the request never looked at (a public page, a static file) would cost a query of its own to name: the
    # line leaves it out rather than add a query to the request it measures.
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """First in the chain: the id is set before anything logs, and the duration covers every other middleware. The
    id stays set until ``request_finished`` (``end_request_id``): Django's own line about a 4xx or 5xx answer is
    written after the last middleware returns, and a streamed response's lines while it is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(HEADER, "")
        request_id = offered if VALID_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except BaseException:
            _request_id.set(None)  # no response will be closed to end it (an exception the test client raises)
            raise
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[HEADER] = request_id
        # The path without its query string: searches and filters may hold names the log has no need of.
        logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            },
        )
        return response


def end_request_id(sender=None, **kwargs):
    """``request_finished``: what the thread logs next belongs to no request."""
    _request_id.set(None)
