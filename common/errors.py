"""The error pages (400, 403, 404, 500): in the site's layout and language with a way back (templates/400.html …),
and under /api/ the API's own JSON answer, so that a client never has to read an HTML page.

Django's own views render the templates; 400 and 500 without a context (the request may be broken, the database
down), which the templates allow for: they need neither a user nor a query.
"""

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(error: type[exceptions.APIException], code: int) -> JsonResponse:
    return JsonResponse({"detail": str(error.default_detail)}, status=code)


def bad_request(request, exception):
    reason = _reason(exception)
    if _api(request):
        if reason:
            return JsonResponse({"detail": reason}, status=status.HTTP_400_BAD_REQUEST)
        return _json(exceptions.ParseError, status.HTTP_400_BAD_REQUEST)
    if reason and "application/json" in request.headers.get("Accept", ""):
        # The upload forms' script (static/js/uploads.js) shows ``error`` beside the form.
        return JsonResponse({"error": reason}, status=status.HTTP_400_BAD_REQUEST)
    if reason:
        return HttpResponseBadRequest(loader.get_template("400.html").render({"exception": reason}))
    return defaults.bad_request(request, exception)


def _reason(exception) -> str:
    """What the user can do about a request Django refused before any view ran, where there is something to do."""
    if isinstance(exception, TooManyFilesSent):
        # Read while parsing the request, before CSRF or any view: this handler is the one place that can say it.
        return _("At most %(limit)s files can be sent at once; send the others in another upload.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return ""


def permission_denied(request, exception):
    if _api(request):
        return _json(exceptions.PermissionDenied, status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """An address that no route matches, or a page's Http404."""
    if _api(request):
        return _json(exceptions.NotFound, status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return _json(exceptions.APIException, status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
