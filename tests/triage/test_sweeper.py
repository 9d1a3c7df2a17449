"""Expiry: freed on its own, journaled once however many processes sweep."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.triage.sweeper import ClaimSweeper, expire_due
from tests.triage.helpers import ingest, journal, on_every_broker


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # This module's app sweeps for real, and often.
    settings.claim_sweep_seconds = 0.05
    return settings


async def wait_for(condition: Any, timeout: float = 5.0) -> None:
    """Poll ``condition`` (an HTTP read: nothing in-process to wait on) until true."""
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def expired_entries(client: httpx.AsyncClient, event_id: int) -> list[Any]:
    return [e for e in await journal(client, event_id) if e["type"] == "mention.claim_expired"]


@on_every_broker
async def test_the_apps_sweeper_frees_an_expired_claim_and_journals_it(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
    app: Any,
) -> None:
    app.state.settings.claim_lease_seconds = 0.2
    grant = (await olive.post(f"/api/mentions/{mention_id}/claim")).json()

    async def freed() -> bool:
        return (await producer.get(f"/api/mentions/{mention_id}")).json()["state"] == "new"

    await wait_for(freed)
    mention = (await producer.get(f"/api/mentions/{mention_id}")).json()
    assert mention["claim"] is None
    (entry,) = await expired_entries(producer, event_id)
    assert entry["actor"] is None
    assert entry["data"] == {
        "mention_id": mention_id,
        "holder": {"username": "olive", "display_name": "Olive"},
        "fence": grant["fence"],
        "lease_until": grant["lease_until"],
    }
    assert (await olive.get(f"/api/events/{event_id}/claims/mine")).json()["claims"] == []
    refused = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert refused.status_code == 409
    assert "has expired" in refused.json()["detail"]


async def test_two_sweepers_on_separate_engines_journal_each_expiry_once(
    database_url: str,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    app: Any,
) -> None:
    # Stop the app's own sweeper: here two others, as two more processes, compete.
    await app.state.sweeper.stop()
    ids = await ingest(producer, event_id, list(range(1, 9)))
    app.state.settings.claim_lease_seconds = 0.2
    for mention_id in ids:
        assert (await olive.post(f"/api/mentions/{mention_id}/claim")).status_code == 200
    await asyncio.sleep(0.3)
    databases = [Database(database_url) for _ in range(2)]
    try:
        freed = await asyncio.gather(*(expire_due(d) for d in databases for _ in range(3)))
    finally:
        for database in databases:
            await database.dispose()
    assert sum(freed) == len(ids)
    entries = await expired_entries(producer, event_id)
    assert sorted(e["data"]["mention_id"] for e in entries) == sorted(ids)


@on_every_broker
async def test_running_sweepers_in_two_processes_journal_once(
    database_url: str,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    app: Any,
) -> None:
    await app.state.sweeper.stop()
    ids = await ingest(producer, event_id, list(range(1, 5)))
    databases = [Database(database_url) for _ in range(2)]
    sweepers = [ClaimSweeper(d, 0.02) for d in databases]
    try:
        for sweeper in sweepers:
            await sweeper.start()
        app.state.settings.claim_lease_seconds = 0.1
        for mention_id in ids:
            await olive.post(f"/api/mentions/{mention_id}/claim")

        async def all_freed() -> bool:
            return len(await expired_entries(producer, event_id)) >= len(ids)

        await wait_for(all_freed)
        await asyncio.sleep(0.2)  # let both sweepers make more passes
    finally:
        for sweeper in sweepers:
            await sweeper.stop()
        for database in databases:
            await database.dispose()
    entries = await expired_entries(producer, event_id)
    assert sorted(e["data"]["mention_id"] for e in entries) == sorted(ids)


async def test_a_renewed_claim_is_not_swept(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
    app: Any,
) -> None:
    settings = app.state.settings
    settings.claim_lease_seconds = 1.0
    settings.claim_renew_step_seconds = 0
    await olive.post(f"/api/mentions/{mention_id}/claim")
    for _ in range(6):  # 1.5 s in all: past the lease had it not been renewed
        await asyncio.sleep(0.25)
        renewed = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
        assert renewed.status_code == 200, renewed.text
    assert await expired_entries(producer, event_id) == []
    assert (await producer.get(f"/api/mentions/{mention_id}")).json()["state"] == "claimed"
