import contextlib
import logging

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from rest_framework.views import APIView

from .db import (
    STATEMENT_TIMEOUT_MESSAGE,
    constraint_violation,
    is_statement_timeout,
    start_request_timeout,
)

logger = logging.getLogger(__name__)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's: every page needs a login unless marked ``login_not_required``.

    REST framework views are left to the API's own authentication, which answers 401/403 instead of
    redirecting a machine client to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switch in the header.

    The browser's Accept-Language is deliberately ignored: an office PC with an English system still gets the
    Chinese pages the office works in.
    """

    def process_request(self, request):
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):  # a stale or forged cookie: keep Chinese
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseErrorsMiddleware:
    """What the database refuses answers like any other refusal, never 500 (``common.db``):

    - On PostgreSQL each web request's queries run for at most ``STATEMENT_TIMEOUT`` seconds; a query cancelled for
      running longer answers 503 — a page in the user's language, JSON under /api/. The exports and imports lift
      the limit for their own request (``common.db.lift_statement_timeout``).
    - A write that lost a race past its validation and met a constraint answers 409 with the constraint's message.
      (The API's exception handler and the generic edit views answer it as the validation would, before this.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start_request_timeout()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_statement_timeout(exception):
            return statement_timeout_response(request)
        violation = constraint_violation(exception)
        if violation is not None:
            message = violation.message
            logger.info("Constraint met on %s %s: %s", request.method, request.path, exception)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=409)
            return render(request, "409.html", {"message": message}, status=409)
        return None


def statement_timeout_response(request):
    logger.warning("Statement timeout on %s %s", request.method, request.path)
    message = STATEMENT_TIMEOUT_MESSAGE
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(message)}, status=503)
    else:
        # The page asks the database nothing more: the navigation's counts, which would run the same slow tables
        # again, are left out.
        quiet = {"todo_count": None, "unread_notifications": None}
        response = render(request, "503.html", {"message": message, **quiet}, status=503)
    response["Retry-After"] = "60"
    return response
