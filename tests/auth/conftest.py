"""Fixtures for the accounts tests: browser logins with a session cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD

# What a browser on the console's own page sends with a POST.
SAME_ORIGIN = {"Origin": "http://testserver"}

Login = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def login(app: Any) -> AsyncIterator[Login]:
    """``await login("alice")`` → a new client holding alice's session cookie."""
    clients: list[httpx.AsyncClient] = []

    async def _login(username: str, password: str = PASSWORD) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        clients.append(client)
        response = await client.post(
            "/api/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return client

    yield _login
    for client in clients:
        await client.aclose()


@pytest.fixture
async def from_address(app: Any) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """``from_address("10.0.0.7")`` → an anonymous client calling from that IP address."""
    clients: list[httpx.AsyncClient] = []

    def _make(address: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(address, 40000)),
            base_url="http://testserver",
        )
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()
