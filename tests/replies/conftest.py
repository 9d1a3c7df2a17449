"""Reply fixtures: two operators, a claimed mention, and a publishing worker that polls
often and backs off briefly, so tests see a reply's fate in well under a second."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.triage.helpers import journal


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    if "broker_url" in request.fixturenames:  # marked on_every_broker (tests/triage/helpers)
        settings.broker_url = request.getfixturevalue("broker_url")
    settings.claim_sweep_seconds = 60
    settings.publish_poll_seconds = 0.05
    settings.publish_backoff_base_seconds = 0.05
    settings.publish_backoff_max_seconds = 0.2
    settings.publish_send_timeout_seconds = 2  # a busy machine answers within it
    return settings


async def claim(client: httpx.AsyncClient, mention_id: int) -> int:
    """Claim the mention and return the fence."""
    response = await client.post(f"/api/mentions/{mention_id}/claim")
    assert response.status_code == 200, response.text
    return int(response.json()["fence"])


async def wait_for_entry(
    client: httpx.AsyncClient, event_id: int, kind: str, *, count: int = 1, timeout: float = 20.0
) -> list[dict[str, Any]]:
    """The journal entries of type ``kind`` once there are ``count`` of them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [e for e in await journal(client, event_id) if e["type"] == kind]
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            types = [e["type"] for e in await journal(client, event_id)]
            raise AssertionError(f"fewer than {count} {kind} within {timeout}s; journal: {types}")
        await asyncio.sleep(0.02)
