"""No request body larger than CUEDESK_MAX_BODY_BYTES is read, from anyone: 413, before any
parsing; and a list of many bad items answers a short error, the server still healthy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app

LIMIT = 64 * 1024


@pytest.fixture
async def small_limit(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        migrate_on_start=False,
        max_body_bytes=LIMIT,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def assert_refused_as_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    body = response.json()
    assert "CUEDESK_MAX_BODY_BYTES" in body["detail"]
    assert body["max_bytes"] == LIMIT


async def test_an_anonymous_body_over_the_limit_is_413_and_one_within_is_read(
    small_limit: httpx.AsyncClient,
) -> None:
    within = await small_limit.post(
        "/api/auth/login", json={"username": "a" * 200, "password": "x" * (LIMIT // 2)}
    )
    assert within.status_code == 422  # the password is too long: the body was read
    body = b'{"username": "' + b"a" * LIMIT + b'", "password": "x"}'
    response = await small_limit.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert_refused_as_too_large(response)


async def test_a_body_without_a_length_is_counted_as_it_arrives(
    small_limit: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"username": "'
        for _ in range(LIMIT // 1024 + 1):
            yield b"a" * 1024
        yield b'", "password": "x"}'

    response = await small_limit.post(
        "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_refused_as_too_large(response)


async def test_a_hundred_thousand_bad_items_answer_a_short_error(
    producer: httpx.AsyncClient, event_id: int, anon: httpx.AsyncClient
) -> None:
    bad = [{"network": "x", "text": "no author, no id, no time"}] * 100_000
    response = await producer.post(f"/api/events/{event_id}/mentions", json=bad)
    assert response.status_code == 422
    assert len(response.content) < 2_000
    assert response.json()["detail"] == (
        "body: List should have at most 20000 items after validation, not 100000"
    )
    assert (await anon.get("/healthz")).status_code == 200


async def test_the_errors_of_a_long_list_are_capped(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    bad = [{"network": "x", "text": "no author, no id, no time"}] * 5_000
    response = await producer.post(f"/api/events/{event_id}/mentions", json=bad)
    assert response.status_code == 422
    assert len(response.content) < 20_000
    body = response.json()
    assert len(body["errors"]) == 20
    assert body["error_count"] == 15_000
    assert body["detail"].startswith("item 0: external_id: Field required;")
    assert body["detail"].endswith("(and 14997 more problems)")
