"""The leader's reconcile: its tasks follow the source rows, whoever wrote them.

"Another process" is played by the test's own Database writing rows directly, as a
follower's request would. The last tests run a request between a reconcile pass's read of
the rows and its acting, or hold the write of a source's failure behind a real lock, to
show that a reconcile never undoes a change it read too early to see, nor restarts a
source whose failure is still being written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete

from app.config import Settings
from app.db import Database
from app.events.models import Event
from app.ingest import service
from app.ingest.manager import SourceManager
from app.ingest.models import SourceStatus
from app.ingest.sources import MentionSource, SourceContext, SourceKind
from app.ingest.sources.simulator import SimulatorConfig
from app.journal import service as journal
from app.main import create_app
from tests.ingest.helpers import (
    count_mentions,
    eventually,
    make_event,
    producer_client,
    quick,
    start_source,
)

STEADY = {"seed": 5, "rate": 200, "spikes": False}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return quick(settings)


class _Exploding(MentionSource):
    """Fails when the test lights the fuse."""

    async def run(self) -> None:
        await fuse[0].wait()
        raise RuntimeError("feed exploded")


def _build_exploding(context: SourceContext, _config: Any) -> MentionSource:
    exploding_builds.append(context.source_id)
    return _Exploding()


# The sources of this kind built so far, and the fuse they wait on (new for each test).
exploding_builds: list[int] = []
fuse: list[asyncio.Event] = [asyncio.Event()]
EXPLODING = SourceKind("exploding", SimulatorConfig, _build_exploding)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    exploding_builds.clear()
    fuse[0] = asyncio.Event()
    application = create_app(settings, source_kinds=[EXPLODING])
    async with application.router.lifespan_context(application):
        yield application


async def test_a_source_written_by_another_process_starts_within_a_reconcile(
    app: Any, db: Database
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with db.transaction() as session:
        row = await service.create(session, event_id, "simulator", STEADY, actor=None)
    assert row.id is not None
    source_id = row.id

    await eventually(lambda: _running(manager, source_id), within=2, what="the source to start")
    await eventually(lambda: _has_mentions(db, event_id), what="its mentions")


async def test_a_source_stopped_by_another_process_ends_within_a_reconcile(
    app: Any, db: Database
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, config=STEADY)
    assert manager.is_running(source_id)

    async with db.transaction() as session:
        await service.finish(session, event_id, source_id, SourceStatus.stopped)

    await eventually(lambda: _stopped(manager, source_id), within=2, what="the task to end")
    await manager.flush()
    stored = await count_mentions(db, event_id)
    await asyncio.sleep(0.3)
    assert await count_mentions(db, event_id) == stored


async def test_the_sources_of_a_deleted_event_end(app: Any, db: Database) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, config=STEADY)

    async with db.transaction() as session:
        await session.execute(delete(Event).where(Event.id == event_id))  # type: ignore[arg-type]

    await eventually(lambda: _stopped(manager, source_id), within=2, what="the task to end")


async def test_a_stop_committed_while_the_leader_reads_is_not_undone(
    app: Any, db: Database
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, config=STEADY)
        async with manager.reconcile_pass():  # has read the row: still running
            response = await client.delete(f"/api/events/{event_id}/sources/{source_id}")
            assert response.json()["status"] == "stopped"
            assert not manager.is_running(source_id)

    # The pass's read still said "running": restarting the source would undo the stop.
    assert not manager.is_running(source_id)


async def test_a_start_committed_while_the_leader_reads_is_not_undone(
    app: Any, db: Database
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        async with manager.reconcile_pass():  # has read the rows: none yet
            source_id = await start_source(client, event_id, config=STEADY)
            assert manager.is_running(source_id)

    # The pass's read did not have the row: cancelling the task would undo the start.
    assert manager.is_running(source_id)


async def test_a_source_is_not_restarted_while_its_failure_is_being_written(
    app: Any, db: Database
) -> None:
    """The failure's write waits behind another writer holding the event's counter row (on
    SQLite, the single writer): reconciles due meanwhile must not see the row still running
    and the task gone, and start the source again."""
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, kind=EXPLODING.name, config={"seed": 1})
        async with db.transaction() as holder:
            await journal.lock_counter(holder, event_id)
            fuse[0].set()
            await eventually(
                lambda: _stopped(manager, source_id), within=5, what="the failure to be written"
            )
            await asyncio.sleep(0.3)  # reconciles due meanwhile

        async def failed() -> bool:
            url = f"/api/events/{event_id}/sources/{source_id}"
            return (await client.get(url)).json()["status"] == "failed"

        await eventually(failed, within=5, what="the source to be marked failed")
    await asyncio.sleep(0.3)  # a few more reconciles

    assert exploding_builds == [source_id]
    assert not manager.is_running(source_id)


async def _running(manager: SourceManager, source_id: int) -> bool:
    return manager.is_running(source_id)


async def _stopped(manager: SourceManager, source_id: int) -> bool:
    return not manager.is_running(source_id)


async def _has_mentions(db: Database, event_id: int) -> bool:
    return await count_mentions(db, event_id) > 0
