"""One process runs the sources; the others follow the database.

A lone instance leads at once, on SQLite and PostgreSQL. The other tests need several
processes on one database, so they exist only when ``CUEDESK_TEST_POSTGRES_URL`` is set
(SQLite is one process by design): each runs two app instances, each with its own
Database, as two server processes would. Reconciling is tested in test_reconcile.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.db import Database
from app.ingest.leader import SOURCES_LOCK_KEY, lock_key
from app.ingest.manager import SourceManager
from app.main import create_app
from tests.conftest import POSTGRES_URL
from tests.ingest.helpers import (
    count_mentions,
    eventually,
    journal_entries,
    make_event,
    producer_client,
    quick,
    start_source,
)

RATE = 200
STEADY = {"seed": 5, "rate": RATE, "spikes": False}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return quick(settings)


def test_the_lock_key_never_changes() -> None:
    # Processes of two versions during a rolling upgrade must contend for the same lock.
    assert SOURCES_LOCK_KEY == lock_key("cuedesk.sources") == -757462110058269599


async def test_a_lone_instance_leads_at_once(app: Any) -> None:
    assert app.state.sources.is_leader


# Several processes on one PostgreSQL database. Defined only when there is one to share:
# these tests do not exist on SQLite rather than being skipped there.
if POSTGRES_URL:
    only_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

    @only_postgresql
    async def test_a_source_runs_once_whichever_instance_started_it(
        settings: Settings, db: Database
    ) -> None:
        async with _instance(settings, db) as a, _instance(settings, db) as b:
            assert a.manager.is_leader
            assert not b.manager.is_leader
            first_event, second_event = await make_event(db), await make_event(db)
            by_leader = await a.start(first_event)
            by_follower = await b.start(second_event)

            await eventually(
                lambda: _running(a.manager, by_follower), within=2, what="the leader to run it"
            )
            assert a.manager.is_running(by_leader)
            assert not b.manager.is_running(by_leader)
            assert not b.manager.is_running(by_follower)
            for event_id in (first_event, second_event):
                # Past its first tick, which hands over what fell due since it was created.
                mentions_arrived = functools.partial(_has_mentions, db, event_id)
                await eventually(mentions_arrived, what="first mentions")
            # Twice the rate would mean that a source ran in both processes.
            for rate in await _rates(db, [first_event, second_event], a, b):
                assert 0.6 * RATE <= rate <= 1.4 * RATE, rate

    @only_postgresql
    async def test_a_stop_through_the_follower_ends_the_task_in_the_leader(
        settings: Settings, db: Database
    ) -> None:
        async with _instance(settings, db) as a, _instance(settings, db) as b:
            event_id = await make_event(db)
            source_id = await a.start(event_id)
            assert a.manager.is_running(source_id)

            response = await b.client.delete(f"/api/events/{event_id}/sources/{source_id}")
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "stopped"

            await eventually(
                lambda: _stopped(a.manager, source_id), within=2, what="the leader's task to end"
            )
            got = await a.client.get(f"/api/events/{event_id}/sources/{source_id}")
            assert got.json()["status"] == "stopped"
            await a.manager.flush()
            stored = await count_mentions(db, event_id)
            await asyncio.sleep(0.3)
            assert await count_mentions(db, event_id) == stored

    @only_postgresql
    async def test_when_the_leader_shuts_down_the_follower_takes_over(
        settings: Settings, db: Database
    ) -> None:
        async with contextlib.AsyncExitStack() as b_stack:
            async with _instance(settings, db) as a:
                b = await b_stack.enter_async_context(_instance(settings, db))
                event_id = await make_event(db)
                source_id = await a.start(event_id)
                await eventually(lambda: _has_mentions(db, event_id), what="first mentions")
            before = await count_mentions(db, event_id)

            await eventually(
                lambda: _running(b.manager, source_id), within=3, what="the follower to take over"
            )
            assert b.manager.is_leader
            await eventually(
                lambda: _has_mentions(db, event_id, more_than=before),
                within=3,
                what="mentions after the takeover",
            )
        types = [entry["type"] for entry in await journal_entries(db, event_id)]
        assert types.count("source.started") == 1
        assert "source.stopped" not in types
        assert "source.failed" not in types

    @only_postgresql
    async def test_a_leader_that_loses_its_lock_connection_stops_its_sources(
        settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        async with _instance(settings, db) as a, _instance(settings, db) as b:
            event_id = await make_event(db)
            source_id = await a.start(event_id)
            with caplog.at_level(logging.ERROR, logger="app.ingest.manager"):
                await _terminate_lock_holder(db)

                async def a_noticed() -> bool:
                    return "lost the sources lock" in caplog.text

                await eventually(a_noticed, within=3, what="the leader to notice")

            async def one_runner() -> bool:
                leaders = [x.manager.is_leader for x in (a, b)]
                runners = [x.manager.is_running(source_id) for x in (a, b)]
                return leaders.count(True) == 1 and runners == leaders

            await eventually(one_runner, within=3, what="exactly one instance to run it again")


@dataclass
class _Instance:
    manager: SourceManager
    client: httpx.AsyncClient

    async def start(self, event_id: int) -> int:
        return await start_source(self.client, event_id, config=STEADY)


@contextlib.asynccontextmanager
async def _instance(settings: Settings, db: Database) -> AsyncIterator[_Instance]:
    """An app with its own lifespan and Database, as a server process would have."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), producer_client(app, db) as client:
        yield _Instance(app.state.sources, client)


async def _rates(db: Database, event_ids: list[int], *instances: _Instance) -> list[float]:
    """Mentions stored per second for each event, over the same second."""

    async def stored() -> tuple[list[int], float]:
        for instance in instances:
            await instance.manager.flush()
        return [await count_mentions(db, event_id) for event_id in event_ids], time.monotonic()

    first, started = await stored()
    await asyncio.sleep(1.0)
    last, ended = await stored()
    return [(b - a) / (ended - started) for a, b in zip(first, last, strict=True)]


async def _terminate_lock_holder(db: Database) -> None:
    """End the session holding the sources lock, as a network failure or a DBA would."""
    async with db.engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND database = (SELECT oid FROM pg_database "
                "WHERE datname = current_database())"
            )
        )
        await conn.commit()


async def _running(manager: SourceManager, source_id: int) -> bool:
    return manager.is_running(source_id)


async def _stopped(manager: SourceManager, source_id: int) -> bool:
    return not manager.is_running(source_id)


async def _has_mentions(db: Database, event_id: int, more_than: int = 0) -> bool:
    return await count_mentions(db, event_id) > more_than
