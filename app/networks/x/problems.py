"""X's words when it refuses: problem JSON (``detail``) or ``errors``, and when a 429's
budget comes back."""

from __future__ import annotations

from datetime import datetime

import httpx

from app.networks import publish_http as http
from app.networks.x import budget as limits


def detail(response: httpx.Response) -> str:
    """X's own words: ``detail`` (problem JSON), else the first of ``errors``."""
    body = http.json_of(response) or {}
    if isinstance(body.get("detail"), str):
        return str(body["detail"])
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or errors[0].get("detail") or errors[0])
    return response.reason_phrase or f"HTTP {response.status_code}"


def reset_if_429(response: httpx.Response) -> datetime | None:
    if response.status_code != 429:
        return None
    header = limits.read(response.headers)
    return header.reset_at if header else None
