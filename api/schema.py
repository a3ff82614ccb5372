"""The OpenAPI schema generator of the API: drf-spectacular's, with the refusals every
operation can give by construction documented once, here, instead of on each viewset."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.exceptions import ErrorSerializer

DESCRIPTIONS = {
    "400": "Malformed input, or a rule of the ledger refused it (the message says which).",
    "403": "Not logged in, or not allowed to do this on this item.",
    "404": "No such item within the caller's scope (or an invalid page or cursor).",
    "409": "Someone else changed the item first; reload and try again.",
    "415": "The body is not in a format this operation reads (JSON, a form or multipart).",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """Adds the error answers (``api.exceptions.ErrorSerializer``) that an operation can
    give whatever its view says, where the view's own ``extend_schema`` does not:

    - 403 everywhere: every endpoint needs a signed-in caller, most a role;
    - 404 wherever an id is in the path (unknown or outside the caller's scope), on
      lists and reports (a page or cursor past the end, an unknown item in the query)
      and on writes (the body names an unknown item);
    - 400 on lists and reports (their filters and page sizes are input) and on writes;
    - 409 on writes: the services refuse a change made on a stale status;
    - 415 on writes: a body whose Content-Type no parser of the view reads.

    Schemathesis checks every answer against this (``api/tests/test_schemathesis.py``),
    so a code listed here that an endpoint cannot give is harmless, and one missing fails.
    """

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._refusal_codes():
            if code not in responses:
                answer = OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return responses

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        """A read-only choice of a model field that may be blank answers "" too.

        DRF drops ``allow_blank`` from read-only fields, so without this the schema's enum
        left out the value every open item has (``closure_kind`` before closure).
        """
        choice = isinstance(field, serializers.ChoiceField)
        if choice and field.read_only and not field.allow_blank and _blank_model_field(field):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _refusal_codes(self) -> list[str]:
        codes = ["403"]
        has_path_id = "{" in self.path
        # Lists and reports: their query parameters are input, and may name an unknown
        # item, a page past the end or an invalid cursor.
        is_query = self.method == "GET" and not has_path_id
        if self.method in WRITE_METHODS or is_query:
            codes.append("400")
        if has_path_id or is_query or self.method in WRITE_METHODS:
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes += ["409", "415"]
        return codes


def _blank_model_field(field: serializers.Field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False
