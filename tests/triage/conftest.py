"""Triage fixtures. The app's own claim sweeper is slowed down here, so that tests decide
when claims expire (``expire_due`` or sweepers of their own); test_sweeper.py runs real
sweepers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.auth import service as auth
from app.config import Settings
from app.db import Database
from tests.conftest import PASSWORD
from tests.triage.helpers import ingest


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.claim_sweep_seconds = 60
    return settings


@pytest.fixture
async def member(app: Any, db: Database) -> AsyncIterator[Any]:
    """``await member("operator", "olive", "Olive")`` → a client with an API token of a new
    user with that role and display name."""
    clients: list[httpx.AsyncClient] = []

    async def _make(role: str, username: str, display_name: str = "") -> httpx.AsyncClient:
        async with db.transaction() as session:
            user = await auth.create_user(
                session, username=username, password=PASSWORD, role=role, display_name=display_name
            )
            _row, token = await auth.create_api_token(session, user, name="tests")
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        )
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def olive(member: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await member("operator", "olive", "Olive")
    return client


@pytest.fixture
async def oscar(member: Any) -> httpx.AsyncClient:
    client: httpx.AsyncClient = await member("operator", "oscar", "Oscar")
    return client


@pytest.fixture
async def mention_id(producer: httpx.AsyncClient, event_id: int) -> int:
    (only,) = await ingest(producer, event_id, [1])
    return only
