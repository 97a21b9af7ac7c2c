from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.exceptions import ActionForbidden, WorkflowError


def exception_handler(exc, context):
    """REST framework's handler, plus our domain errors: a refused workflow move is 409, a refused actor 403."""
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ActionForbidden):
        exc = exceptions.PermissionDenied(str(exc.message))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    return drf_exception_handler(exc, context)
