"""The one after-commit mechanism, SQLite's single writer taken only when writing, and no
closed PostgreSQL connection handed out by the pool."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from app.db import Database, after_commit, null_pool_engine
from app.journal import service as journal
from tests.conftest import POSTGRES_URL


async def test_after_commit_work_runs_once_the_data_is_stored(
    event_id: int, database_url: str
) -> None:
    ran: list[str] = []
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await journal.append(session, event_id, "test.kept", {})
            after_commit(session, lambda: ran.append("first"))
            after_commit(session, lambda: ran.append("second"))
            assert ran == []
        assert ran == ["first", "second"]
    finally:
        await db.dispose()


async def test_a_rollback_runs_no_after_commit_work(event_id: int, database_url: str) -> None:
    ran: list[str] = []
    db = Database(database_url)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await journal.append(session, event_id, "test.doomed", {})
                after_commit(session, lambda: ran.append("doomed"))
                raise RuntimeError("the request failed after writing")
        assert ran == []
    finally:
        await db.dispose()


async def test_failing_after_commit_work_neither_fails_the_commit_nor_stops_the_rest(
    event_id: int, database_url: str
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise ConnectionError("broker unreachable")

    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await journal.append(session, event_id, "test.kept", {})
            after_commit(session, broken)
            after_commit(session, lambda: ran.append("after"))
        assert ran == ["after"]
    finally:
        await db.dispose()


async def test_hanging_after_commit_work_never_holds_the_writer(
    event_id: int, database_url: str
) -> None:
    """A callback that never returns (a hung broker) leaves the transaction, and the next
    writer, free at once: it runs as its own bounded task."""
    never = asyncio.Event()
    db = Database(database_url)
    try:
        async with asyncio.timeout(10):
            async with db.transaction() as session:
                await journal.append(session, event_id, "test.one", {})
                after_commit(session, never.wait)
            async with db.transaction() as session:
                entry = await journal.append(session, event_id, "test.two", {})
        assert entry["type"] == "test.two"
    finally:
        await db.dispose()


async def test_slow_work_before_a_transactions_first_statement_holds_no_other_writer(
    event_id: int, database_url: str
) -> None:
    """A write transaction doing slow work before its first statement (hashing a password,
    calling a network) does not hold up another writer: on SQLite it takes the single
    writer only at that statement; on PostgreSQL it has taken no lock yet."""
    db = Database(database_url)
    slow_work_done = asyncio.Event()
    try:

        async def slow_request() -> None:
            async with db.transaction() as session:
                await slow_work_done.wait()
                await journal.append(session, event_id, "test.slow", {})

        slow = asyncio.create_task(slow_request())
        await asyncio.sleep(0)
        async with asyncio.timeout(10):
            async with db.transaction() as session:
                fast = await journal.append(session, event_id, "test.fast", {})
        slow_work_done.set()
        await slow
        assert fast["seq"] == 2
    finally:
        await db.dispose()


# A server closing a connection exists only on PostgreSQL: defined only when there is one.
if POSTGRES_URL:

    async def test_a_connection_postgresql_closed_is_replaced_before_a_request_gets_it(
        postgres_database: str,
    ) -> None:
        db = Database(postgres_database)
        admin = null_pool_engine(postgres_database)
        try:
            async with db.engine.connect() as connection:
                result = await connection.execute(text("SELECT pg_backend_pid()"))
                pooled_pid = result.scalar_one()
                raw = await connection.get_raw_connection()
                pooled = raw.driver_connection
                await connection.rollback()
            # The server ends the idle pooled connection, as a restart would.
            async with admin.connect() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled_pid})
            for _ in range(100):  # until asyncpg has read the end of its socket
                if pooled.is_closed():  # type: ignore[union-attr]
                    break
                await asyncio.sleep(0.05)
            async with db.read_session() as session:
                pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            assert pid != pooled_pid
        finally:
            await admin.dispose()
            await db.dispose()
