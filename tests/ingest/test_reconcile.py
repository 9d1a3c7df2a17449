"""The leader's reconcile: its tasks follow the source rows, whoever wrote them.

"Another process" is played by the test's own Database writing rows directly, as a
follower's request would. The last tests hold the leader's read of the rows while a
request (or a crash) changes things, to show that a reconcile never undoes a change it
read too early to see, nor restarts a source whose failure is still being written.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.models import Event
from app.ingest import service
from app.ingest.manager import SourceManager
from app.ingest.models import Source, SourceStatus
from app.ingest.sources import MentionSource, SourceContext, SourceKind
from app.ingest.sources.simulator import SimulatorConfig
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
    async def run(self) -> None:
        raise RuntimeError("feed exploded")


def _build_exploding(context: SourceContext, _config: Any) -> MentionSource:
    exploding_builds.append(context.source_id)
    return _Exploding()


# The sources of this kind built so far (emptied for each test).
exploding_builds: list[int] = []
EXPLODING = SourceKind("exploding", SimulatorConfig, _build_exploding)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Any]:
    exploding_builds.clear()
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


class HeldRead:
    """Replaces ``service.list_running``: the leader's next read of the rows is held (with
    what it read) until ``release``; ``seen`` records ``probe()`` when the read after it
    begins, that is once the held reconcile has acted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, probe: Callable[[], bool]) -> None:
        self._real = service.list_running
        self._probe = probe
        self._calls = 0
        self.reading = asyncio.Event()
        self.release = asyncio.Event()
        self.next_read = asyncio.Event()
        self.seen: list[bool] = []
        monkeypatch.setattr(service, "list_running", self)

    async def __call__(self, session: AsyncSession) -> list[Source]:
        self._calls += 1
        rows = await self._real(session)
        if self._calls == 1:
            self.reading.set()
            await self.release.wait()
        elif self._calls == 2:
            self.seen.append(self._probe())
            self.next_read.set()
        return rows


async def test_a_stop_committed_while_the_leader_reads_is_not_undone(
    app: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, config=STEADY)
        held = HeldRead(monkeypatch, probe=lambda: manager.is_running(source_id))
        await asyncio.wait_for(held.reading.wait(), 2)

        response = await client.delete(f"/api/events/{event_id}/sources/{source_id}")
        assert response.json()["status"] == "stopped"
        assert not manager.is_running(source_id)
        held.release.set()
        await asyncio.wait_for(held.next_read.wait(), 2)

    # The held read still said "running": restarting the source would have undone the stop.
    assert held.seen == [False]


async def test_a_start_committed_while_the_leader_reads_is_not_undone(
    app: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager: SourceManager = app.state.sources
    event_id = await make_event(db)
    started: list[int] = []
    held = HeldRead(monkeypatch, probe=lambda: all(map(manager.is_running, started)))
    await asyncio.wait_for(held.reading.wait(), 2)

    async with producer_client(app, db) as client:
        started.append(await start_source(client, event_id, config=STEADY))
    assert manager.is_running(started[0])
    held.release.set()
    await asyncio.wait_for(held.next_read.wait(), 2)

    # The held read did not have the row yet: cancelling the task would have undone the start.
    assert held.seen == [True]


async def test_a_source_is_not_restarted_while_its_failure_is_being_written(
    app: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = exploding_builds
    real_finish = service.finish
    writing, commit = asyncio.Event(), asyncio.Event()

    async def slow_finish(*args: Any, **kwargs: Any) -> tuple[Source, bool]:
        result = await real_finish(*args, **kwargs)
        writing.set()
        await commit.wait()
        return result

    monkeypatch.setattr(service, "finish", slow_finish)
    event_id = await make_event(db)
    async with producer_client(app, db) as client:
        source_id = await start_source(client, event_id, kind=EXPLODING.name, config={"seed": 1})
        await asyncio.wait_for(writing.wait(), 2)
        # Reconciles due meanwhile would read the row as still running, and the task as gone.
        await asyncio.sleep(0.3)
        commit.set()

        async def failed() -> bool:
            url = f"/api/events/{event_id}/sources/{source_id}"
            return (await client.get(url)).json()["status"] == "failed"

        await eventually(failed, within=2, what="the source to be marked failed")
    await asyncio.sleep(0.3)  # a few more reconciles

    assert builds == [source_id]
    assert not app.state.sources.is_running(source_id)


async def _running(manager: SourceManager, source_id: int) -> bool:
    return manager.is_running(source_id)


async def _stopped(manager: SourceManager, source_id: int) -> bool:
    return not manager.is_running(source_id)


async def _has_mentions(db: Database, event_id: int) -> bool:
    return await count_mentions(db, event_id) > 0
