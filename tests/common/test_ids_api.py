"""An id past 64 bits cannot name a row: every route refuses it as bad input (422, naming the
parameter), the same way on every database, and never answers 500."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

TOO_LARGE = [2**63, 2**64 + 5]


def routes_with_ids(app: Any) -> list[tuple[str, str, list[str]]]:
    routes = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            ids = [
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if ids:
                routes.append((method, path, ids))
    return routes


def fill(path: str, ids: list[str], value: int) -> str:
    """The path with each id set to ``value`` and any other parameter (a tag) to ``x``."""
    return re.sub(r"\{(\w+)\}", lambda m: str(value) if m[1] in ids else "x", path)


async def test_every_route_refuses_an_id_past_64_bits(app: Any, client_as: Any) -> None:
    admin: httpx.AsyncClient = await client_as("admin")
    routes = routes_with_ids(app)
    assert len(routes) >= 30
    for too_large in TOO_LARGE:
        for method, path, ids in routes:
            url = fill(path, ids, too_large)
            body = {} if method in ("post", "put", "patch") else None
            response = await admin.request(method.upper(), url, json=body)
            assert response.status_code == 422, (method, url, response.text)
            refused = [error["loc"] for error in response.json()["errors"]]
            assert ["path", ids[0]] in refused, (method, url, refused)


@pytest.mark.parametrize("url", ["/api/events/{event}/mentions", "/api/events/{event}/journal"])
async def test_a_journal_position_past_64_bits_is_refused(
    producer: httpx.AsyncClient, event_id: int, url: str
) -> None:
    response = await producer.get(url.format(event=event_id), params={"after_seq": 2**64})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["query", "after_seq"]


async def test_a_fence_past_64_bits_is_refused(olive: httpx.AsyncClient, mention_id: int) -> None:
    await olive.post(f"/api/mentions/{mention_id}/claim", json={})
    response = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 2**64})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "fence"]
