"""A source that fails is marked failed, journaled, and the server carries on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.ingest.sources import MentionSource, SourceContext, SourceKind
from app.ingest.sources.simulator import SimulatorConfig
from app.main import create_app
from tests.ingest.helpers import eventually, journal_entries, start_source


class _ExplodingSource(MentionSource):
    def __init__(self, context: SourceContext, config: Any) -> None:
        self.context = context

    async def run(self) -> None:
        await asyncio.sleep(0.01)
        raise RuntimeError("feed exploded")


# A kind of source that fails at once, which this module's app knows besides the built-in.
EXPLODING = SourceKind("exploding", SimulatorConfig, _ExplodingSource)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings, source_kinds=[EXPLODING])
    async with application.router.lifespan_context(application):
        yield application


async def test_a_crashing_source_is_marked_failed_and_the_server_carries_on(
    producer: httpx.AsyncClient, event_id: int, db: Database
) -> None:
    source_id = await start_source(producer, event_id, kind="exploding", config={"seed": 1})
    url = f"/api/events/{event_id}/sources/{source_id}"

    async def failed() -> bool:
        return (await producer.get(url)).json()["status"] == "failed"

    await eventually(failed, what="the source to be marked failed")
    assert (await producer.get(url)).json()["error"] == "RuntimeError: feed exploded"
    entries = await journal_entries(db, event_id)
    assert entries[-1]["type"] == "source.failed"
    assert entries[-1]["data"]["error"] == "RuntimeError: feed exploded"
    assert (await producer.get("/healthz")).status_code == 200
