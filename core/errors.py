"""The one error type services raise for users to act on."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal a user can act on: a Chinese message and, where known, what it concerns.

    ``field`` names a form field or API attribute; ``location`` names a place in a file
    (sheet, row, column). Views turn it into a form error, the API into a 400.
    """

    def __init__(self, message: str | Promise, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    """The acting user may not do this here."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="permission_denied")


class Conflict(DomainError):
    """Someone else changed the item first (a concurrent claim or approval)."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="conflict")
