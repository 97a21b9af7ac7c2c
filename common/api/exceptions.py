from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from common.db import constraint_violation, is_statement_timeout
from common.exceptions import ActionForbidden, WorkflowError
from common.text import shortened_list


def exception_handler(exc, context):
    """REST framework's handler, plus our domain errors: a refused workflow move is 409, a refused actor 403, a
    delete that other records still depend on 409, a write refused by a constraint (a race lost past the validation)
    400 with the constraint's message, and a query PostgreSQL stopped at the statement timeout 503."""
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    violation = constraint_violation(exc)
    if violation is not None:
        # A request that raced another past the validation meets the constraint: the same 400 as the validation's.
        return Response(
            {violation.field or api_settings.NON_FIELD_ERRORS_KEY: [violation.message]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if is_statement_timeout(exc):
        return Response(
            {
                "detail": _(
                    "The request took longer than the server allows and was stopped. Narrow it down and try again."
                )
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "60"},
        )
    if isinstance(exc, ProtectedError):
        blockers = sorted({str(obj) for obj in exc.protected_objects})
        detail = _("This cannot be deleted while other records use it: %(records)s") % {
            "records": shortened_list(blockers)
        }
        return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ActionForbidden):
        exc = exceptions.PermissionDenied(str(exc.message))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return drf_exception_handler(exc, context)
