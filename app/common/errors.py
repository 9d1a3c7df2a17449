"""Errors that services raise and the API turns into clear answers."""

from __future__ import annotations

from typing import Any


class CuedeskError(Exception):
    status_code = 400

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
