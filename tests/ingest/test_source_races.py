"""Many sources started and stopped at once on one event: nobody deadlocks.

Each creation and stop runs in a transaction of its own, on its own connection, as
concurrent requests (or server processes) do; on PostgreSQL they contend for the event's
rows for real.
"""

from __future__ import annotations

import asyncio

from app.db import Database
from app.ingest import service as sources
from app.ingest.models import SourceStatus
from tests.ingest.helpers import journal_entries, make_event

CONCURRENT = 60
CONFIG = {"seed": 1, "rate": 1}


async def _create(db: Database, event_id: int) -> int:
    async with db.transaction() as session:
        source = await sources.create(session, event_id, "simulator", CONFIG, actor="pat")
    assert source.id is not None
    return source.id


async def _stop(db: Database, event_id: int, source_id: int) -> None:
    async with db.transaction() as session:
        await sources.finish(session, event_id, source_id, SourceStatus.stopped, actor="pat")


async def test_sources_started_together_all_start_and_are_journaled_in_order(
    db: Database,
) -> None:
    event_id = await make_event(db)
    created = await asyncio.gather(*(_create(db, event_id) for _ in range(CONCURRENT)))

    started = [e for e in await journal_entries(db, event_id) if e["type"] == "source.started"]
    assert sorted(e["data"]["id"] for e in started) == sorted(created)
    # Numbered after the counter lock, so the journal lists them in the order they were made.
    assert [e["data"]["id"] for e in started] == sorted(created)


async def test_sources_stopped_while_others_start_all_succeed(db: Database) -> None:
    event_id = await make_event(db)
    running = [await _create(db, event_id) for _ in range(CONCURRENT // 2)]
    await asyncio.gather(
        *(_stop(db, event_id, source_id) for source_id in running),
        *(_create(db, event_id) for _ in range(CONCURRENT // 2)),
    )

    entries = await journal_entries(db, event_id)
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    stopped = [e["data"]["id"] for e in entries if e["type"] == "source.stopped"]
    assert sorted(stopped) == running
    assert sum(e["type"] == "source.started" for e in entries) == CONCURRENT
