"""One shape for every error the HTTP API answers (docs/api-errors.md).

``{"detail": "what went wrong, to show a person"}``, plus, for a refused request body or
query, ``errors`` (the first few problems, each naming its field and list item) and
``error_count``, and, for some refusals, fields that say more (a 409 names the holder).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.common.errors import CuedeskError

logger = logging.getLogger(__name__)

# A list of 100,000 bad items must not answer 100,000 errors (67 MB, seconds of work).
MAX_LISTED_ERRORS = 20
# How many problems the one-line ``detail`` spells out.
MAX_DETAIL_PROBLEMS = 3


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description='Where: ["body", 2, "created_at"], ["query", "q"]…')
    msg: str
    type: str
    message: str = Field(description="``item 2: created_at: …``, to show a person.")
    item: int | None = Field(default=None, description="The index in a list body.")


class ErrorBody(BaseModel):
    """Every 4xx answer of the API. Some refusals add fields that say more."""

    model_config = ConfigDict(extra="allow")

    detail: str = Field(description="What went wrong and what to do, to show a person.")
    errors: list[ErrorItem] | None = Field(
        default=None, description=f"A refused body or query: its first {MAX_LISTED_ERRORS}."
    )
    error_count: int | None = Field(default=None, description="How many problems in all.")


# Declared on every operation (FastAPI then leaves out its own 422 schema).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Refused: see `detail` (docs/api-errors.md)"},
}


def error_response(description: str) -> dict[str, Any]:
    """An operation's own word for one status, with the common body."""
    return {"model": ErrorBody, "description": description}


def describe_validation_errors(errors: list[Any]) -> list[dict[str, Any]]:
    """FastAPI's errors, plus ``item`` (the index in a list body) and a readable message."""
    described = []
    for error in errors:
        loc = list(error.get("loc", ()))
        item: dict[str, Any] = {"loc": loc, "msg": error.get("msg", ""), "type": error.get("type")}
        if len(loc) >= 2 and loc[0] == "body" and isinstance(loc[1], int):
            item["item"] = loc[1]
            field = ".".join(str(part) for part in loc[2:]) or "item"
            item["message"] = f"item {loc[1]}: {field}: {item['msg']}"
        else:
            field = ".".join(str(part) for part in loc[1:]) or str(loc[0] if loc else "request")
            item["message"] = f"{field}: {item['msg']}"
        described.append(item)
    return described


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    problems = exc.errors()
    listed = describe_validation_errors(list(problems[:MAX_LISTED_ERRORS]))
    detail = "; ".join(problem["message"] for problem in listed[:MAX_DETAIL_PROBLEMS])
    if len(problems) > MAX_DETAIL_PROBLEMS:
        detail += f" (and {len(problems) - MAX_DETAIL_PROBLEMS} more problems)"
    return {"detail": detail, "errors": listed, "error_count": len(problems)}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CuedeskError)
    async def _cuedesk_error(_request: Request, exc: CuedeskError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": exc.message, **exc.detail},
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content=validation_body(exc))

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
        # Starlette raises the exception again after this answer, so the server still logs its
        # traceback; this gives the answer the common shape and names the request.
        logger.error("%s %s failed: %r", request.method, request.url.path, exc)
        return JSONResponse(
            status_code=500,
            content={"detail": "Internal error; it has been logged. Try again or report it."},
        )
