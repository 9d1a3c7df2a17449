"""Small factories for test data."""

from __future__ import annotations

from typing import Any


def mention_payload(external_id: str | int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "network": "x",
        "external_id": str(external_id),
        "author": {"handle": f"fan{external_id}", "name": "A Fan", "followers": 120},
        "text": f"What a match! #CupFinal {external_id}",
        "created_at": "2026-02-08T20:00:00Z",
    }
    payload.update(overrides)
    return payload
