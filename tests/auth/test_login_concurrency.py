"""On SQLite, checking or hashing passwords does not hold up the single writer.

Argon2 takes tens of milliseconds of CPU per password on purpose. Had each of these requests
held the writer through it, an ingest arriving after them would queue behind them all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from app.db import Database
from tests.conftest import PASSWORD, make_user
from tests.factories import mention_payload

AT_ONCE = 8
SlowRequest = Callable[[int], Awaitable[httpx.Response]]


@pytest.fixture
async def admin(client_as: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await client_as("admin", "ada")
    return client


@pytest.fixture(params=["log in", "create a user", "set a password"])
async def slow_request(
    request: pytest.FixtureRequest, app: Any, db: Database, admin: httpx.AsyncClient
) -> SlowRequest:
    """``await slow_request(n)``: the n-th of the concurrent password requests."""
    users = [await make_user(db, f"op{n}") for n in range(AT_ONCE)]

    async def log_in(n: int) -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            return await client.post(
                "/api/auth/login", json={"username": f"op{n}", "password": PASSWORD}
            )

    async def create_user(n: int) -> httpx.Response:
        body = {"username": f"new{n}", "password": PASSWORD, "role": "operator"}
        return await admin.post("/api/users", json=body)

    async def set_password(n: int) -> httpx.Response:
        body = {"password": f"another password {n}"}
        return await admin.patch(f"/api/users/{users[n].id}", json=body)

    actions: dict[str, SlowRequest] = {
        "log in": log_in,
        "create a user": create_user,
        "set a password": set_password,
    }
    return actions[request.param]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_mentions_are_stored_while_passwords_are_checked_or_hashed(
    slow_request: SlowRequest, producer: httpx.AsyncClient, event_id: int
) -> None:
    finished: list[str] = []

    async def slow(n: int) -> None:
        response = await slow_request(n)
        assert response.status_code in (200, 201), response.text
        finished.append(f"password request {n}")

    async def ingest() -> None:
        response = await producer.post(
            f"/api/events/{event_id}/mentions", json=[mention_payload(1)]
        )
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 1
        finished.append("ingest")

    # The password requests start first; the ingest is stored while their Argon2 runs,
    # before most of them are through.
    await asyncio.gather(*(slow(n) for n in range(AT_ONCE)), ingest())
    assert finished.index("ingest") < AT_ONCE // 2, finished
