"""The OpenAPI schema's operations, with the error answers every API view may give besides its success.

The codes follow from what the views do: a login is needed (401, 403), a request body or the list's filters may be
invalid (400) or the body in a media type the view does not read (415), an id or a page may name nothing (404),
a change may clash with the object's state, its version or the records that use it (409,
``common.api.exceptions``), and any query may run past PostgreSQL's statement timeout (503). An operation that
documents a code itself keeps its own.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": _("What went wrong, in the user's language."),
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": _(
        "The messages by field name (a list of messages, or the errors of a nested value), ``non_field_errors`` for "
        "the request as a whole, or ``detail`` when the request could not be read at all."
    ),
    "additionalProperties": {},
}

WRITE_METHODS = {"POST", "PUT", "PATCH"}


class ErrorResponsesSchema(AutoSchema):
    """drf-spectacular's schema plus the documented errors of each operation (see the module's docstring)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self.error_codes():
            if code not in responses:
                responses[code] = self.error_response(code, description)
        return responses

    def error_codes(self) -> list[tuple[str, str]]:
        # An object's own address in a viewset (``/projects/{id}/``, ``/proposals/{id}/assign/``).
        detail = bool(getattr(self.view, "detail", False))
        has_body = self.method in WRITE_METHODS and self.get_request_serializer() is not None
        filtered_list = self._is_list_view() and bool(self.get_filter_backends() or self._get_paginator())
        codes = []
        if has_body or filtered_list:
            codes.append(("400", _("The request's data or filters are invalid.")))
        if self.requires_login():
            codes.append(("401", _("No valid credentials were given.")))
            codes.append(("403", _("The user may not do this.")))
        if "{" in self.path or filtered_list:
            codes.append(("404", _("No such object, or no such page.")))
        if has_body:
            codes.append(("415", _("The request body is not in one of the media types listed.")))
        codes.append(("503", _("The request took longer than the server allows and was stopped.")))
        if detail and self.method in {*WRITE_METHODS, "DELETE"}:
            codes.append(
                (
                    "409",
                    _(
                        "The change clashes with the object's state (a move its status does not allow, an older "
                        "version) or with records that use it."
                    ),
                )
            )
        return codes

    def requires_login(self) -> bool:
        return any(not isinstance(permission, AllowAny) for permission in self.view.get_permissions())

    def error_response(self, code, description):
        if code == "400":
            name, schema = "ValidationError", VALIDATION_ERROR_SCHEMA
        else:
            name, schema = "Error", ERROR_SCHEMA
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name)
        self.registry.register_on_missing(component)
        response = {"description": description, "content": {"application/json": {"schema": component.ref}}}
        if code == "401":
            response["headers"] = {
                "WWW-Authenticate": {
                    "schema": {"type": "string"},
                    "description": _("How to authenticate: ``Token``."),
                }
            }
        return response


class TokenScheme(OpenApiAuthenticationExtension):
    """The API's tokens (``common.api.authentication``) in the schema, as REST framework's were."""

    target_class = "common.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _(
                'A token from /api/v1/auth/token/, sent as "Token <token>". It expires (the answer of '
                "/api/v1/auth/token/ says when); /api/v1/auth/logout/ revokes it, and so does a change of password."
            ),
        }
