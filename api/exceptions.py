"""Every API refusal in one shape, ``{detail, code, field?, errors?}``: domain errors as
400/403/409 with their message in the user's language, and DRF's own refusals (bad input,
unknown ids, missing credentials) reshaped to match, so every 4xx matches the schema."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import Conflict, DomainError, PermissionDenied


def domain_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors as answers; anything else as DRF answers it."""
    if isinstance(exc, DomainError):
        code = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, PermissionDenied):
            code = status.HTTP_403_FORBIDDEN
        elif isinstance(exc, Conflict):
            code = status.HTTP_409_CONFLICT
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=code)
    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a message to show, a machine code, and the input concerned."""

    detail = serializers.CharField(help_text="What went wrong and what to fix, in the user's language.")
    code = serializers.CharField(help_text="invalid, permission_denied, conflict, not_found, not_authenticated …")
    field = serializers.CharField(
        required=False, allow_null=True, help_text="The input the refusal concerns (dotted for nested input)."
    )
    errors = serializers.JSONField(
        required=False, help_text="For malformed input: every message, keyed by input, as the fields report them."
    )


def _first_error(detail: Any, path: tuple[str, ...] = ()) -> tuple[str | None, str, str]:
    """(dotted field, message, code) of the first message in a ValidationError's detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field, message, code = _first_error(value, (*path, str(key)))
            if message:
                return field, message, code
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            # A list of messages belongs to its field; a list of objects is indexed.
            step = path if not isinstance(value, dict | list) else (*path, str(index))
            field, message, code = _first_error(value, step)
            if message:
                return field, message, code
    elif detail is not None and str(detail):
        names = [p for p in path if p != "non_field_errors"]
        return (".".join(names) or None), str(detail), getattr(detail, "code", None) or "invalid"
    return None, "", "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The project's handler, with DRF's own refusals brought to :class:`ErrorSerializer`'s shape.

    Domain errors already come as ``{detail, code, field}``; malformed input, unknown
    ids, missing credentials and the like are reshaped so that every 4xx of these
    endpoints matches the schema they publish.
    """
    response = domain_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and {"detail", "code"} <= set(data):
        return response
    if isinstance(exc, ValidationError):
        field, message, code = _first_error(exc.detail)
        body: dict[str, Any] = {"detail": message, "code": code, "field": field, "errors": data}
    else:
        if isinstance(exc, APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else "error"
        else:
            code = "not_found" if isinstance(exc, Http404) else "error"
        detail = data.get("detail", "") if isinstance(data, dict) else data
        body = {"detail": str(detail), "code": str(code)}
    response.data = body
    return response


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Malformed input, or a rule of the ledger refused it (the message says which).",
        403: "Not logged in, or not allowed to do this on this item.",
        404: "No such item within the caller's scope (or an invalid cursor).",
        409: "Someone else changed the item first; reload and try again.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


READ_ERRORS = _errors(403, 404)
LIST_ERRORS = _errors(400, 403, 404)
WRITE_ERRORS = _errors(400, 403, 404, 409)
