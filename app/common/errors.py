"""Errors that services raise and the API turns into clear answers."""

from __future__ import annotations

from typing import Any


class CuedeskError(Exception):
    status_code = 400

    # Headers the answer carries (the current ``ETag`` of a 412).
    headers: dict[str, str] | None = None

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class Forbidden(CuedeskError):
    status_code = 403


class NotFound(CuedeskError):
    status_code = 404


class Conflict(CuedeskError):
    status_code = 409


class Invalid(CuedeskError):
    status_code = 422


class PreconditionFailed(CuedeskError):
    """The ``If-Match`` version is not the current one: someone else saved first."""

    status_code = 412


class PreconditionRequired(CuedeskError):
    """A save that must say which version it edits (``If-Match``) did not."""

    status_code = 428


class UnsupportedMediaType(CuedeskError):
    status_code = 415


class TooLarge(CuedeskError):
    status_code = 413
