"""The error pages (400, 403, 404, 500): in the site's layout and language with a way back (templates/400.html …),
and under /api/ the API's own JSON answer, so that a client never has to read an HTML page.

Django's own views render the templates; 400 and 500 without a context (the request may be broken, the database
down), which the templates allow for: they need neither a user nor a query.
"""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(error: type[exceptions.APIException], code: int) -> JsonResponse:
    return JsonResponse({"detail": str(error.default_detail)}, status=code)


def bad_request(request, exception):
    if _api(request):
        return _json(exceptions.ParseError, status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


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
