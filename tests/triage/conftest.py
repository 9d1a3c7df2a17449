"""Triage fixtures. The app's own claim sweeper is slowed down here, so that tests decide
when claims expire (``expire_due`` or sweepers of their own); test_sweeper.py runs real
sweepers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.triage.helpers import ingest


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.claim_sweep_seconds = 60
    return settings


@pytest.fixture
def member(client_as: Any) -> Any:
    """``await member("operator", "olive", "Olive")`` → a client with an API token of a new
    user with that role and display name (the shared ``client_as``)."""
    return client_as


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
