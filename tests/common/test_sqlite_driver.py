"""SQLite's one-hop cursor answers as the stock aiosqlite adapter does: the rows, the counts
the claim fencing reads, the ids of inserted rows, and SQLAlchemy's own errors; and a
transaction makes no trip to SQLite's thread of its own beyond its commit or rollback."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.common.sqlite_driver import OneHopCursor, statements_inline
from app.db import Database

metadata = MetaData()
cues = Table(
    "cue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, unique=True, nullable=False),
    Column("position", Integer, nullable=False),
)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


async def test_the_engine_runs_statements_through_the_one_hop_cursor(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.read_session() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        assert raw.dbapi_connection is not None
        assert isinstance(raw.dbapi_connection.cursor(), OneHopCursor)


async def test_inserted_rows_get_their_ids_and_come_back_in_order(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as session:
        first = await session.execute(insert(cues).values(name="kickoff", position=1))
        assert first.inserted_primary_key == (1,)  # type: ignore[attr-defined]
        await session.execute(
            insert(cues), [{"name": f"cue {n}", "position": n} for n in range(2, 502)]
        )
    async with sqlite_db.read_session() as session:
        rows = (await session.execute(select(cues.c.id, cues.c.name).order_by(cues.c.id))).all()
    assert len(rows) == 501
    assert rows[0] == (1, "kickoff")
    assert rows[-1] == (501, "cue 501")


async def test_an_update_reports_how_many_rows_it_changed(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues), [{"name": n, "position": 0} for n in "abc"])
    async with sqlite_db.transaction() as session:
        # The claim fencing reads the rowcount of a conditional update to know who won.
        won = await session.execute(update(cues).where(cues.c.name == "a").values(position=1))
        lost = await session.execute(update(cues).where(cues.c.name == "z").values(position=1))
        every = await session.execute(update(cues).values(position=2))
    assert (won.rowcount, lost.rowcount, every.rowcount) == (1, 0, 3)  # type: ignore[attr-defined]


async def test_a_duplicate_is_an_integrity_error_and_nothing_of_its_transaction_is_kept(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues).values(name="goal", position=1))
    with pytest.raises(IntegrityError):
        async with sqlite_db.transaction() as session:
            await session.execute(insert(cues).values(name="halftime", position=2))
            await session.execute(insert(cues).values(name="goal", position=3))
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues).values(name="full time", position=4))
    async with sqlite_db.read_session() as session:
        names = (await session.execute(select(cues.c.name).order_by(cues.c.id))).scalars().all()
    assert names == ["goal", "full time"]


async def test_a_bad_statement_is_an_operational_error_and_the_connection_goes_on(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.read_session() as session:
        with pytest.raises(OperationalError):
            await session.execute(text("SELECT * FROM no_such_table"))
    async with sqlite_db.read_session() as session:
        assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42


async def test_a_statement_on_a_closed_connection_is_an_operational_error(
    sqlite_db: Database,
) -> None:
    async with sqlite_db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()  # type: ignore[union-attr]
        with pytest.raises(OperationalError):
            await connection.execute(text("SELECT 1"))
        await connection.invalidate()


class _TripCounter:
    """Stands in for an aiosqlite connection's queue to its thread: counts what is sent."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.trips = 0

    def put_nowait(self, item: Any) -> None:
        self.trips += 1
        self.queue.put_nowait(item)


async def _count_trips(engine: AsyncEngine) -> _TripCounter:
    """Count the trips of the pool's one connection (opened here if it is not yet)."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: aiosqlite.Connection = raw.driver_connection  # type: ignore[assignment]
        counter = _TripCounter(driver._tx)
        driver._tx = counter  # type: ignore[assignment]
        await connection.rollback()
    counter.trips = 0
    return counter


async def test_a_read_makes_one_trip_for_its_statement_and_one_to_end(
    sqlite_db: Database,
) -> None:
    counter = await _count_trips(sqlite_db.read_engine)
    async with sqlite_db.read_session() as session:
        await session.execute(select(cues.c.id))
    # BEGIN rides with the SELECT; the pool's reset of the ended transaction makes none.
    assert counter.trips == 2


async def test_a_write_makes_one_trip_a_statement_and_one_to_commit(
    sqlite_db: Database,
) -> None:
    counter = await _count_trips(sqlite_db.engine)
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues).values(name="kickoff", position=1))
        await session.execute(update(cues).values(position=2))
    assert counter.trips == 3
    async with sqlite_db.read_session() as session:
        assert (await session.execute(select(cues.c.position))).scalar_one() == 2


async def test_a_write_transaction_holds_the_writer_from_its_first_statement(
    sqlite_db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "driver.db", timeout=0, isolation_level=None)
    try:
        async with sqlite_db.transaction() as session:
            await session.execute(select(cues.c.id))
            # Taken at its BEGIN IMMEDIATE, which came with that read: no other writer now.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_a_transaction_that_ran_no_statement_leaves_nothing_open(
    sqlite_db: Database,
) -> None:
    counter = await _count_trips(sqlite_db.engine)
    async with sqlite_db.engine.begin():
        pass
    assert counter.trips == 0
    async with sqlite_db.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: aiosqlite.Connection = raw.driver_connection  # type: ignore[assignment]
        assert not driver._conn.in_transaction


async def test_a_single_read_makes_one_trip_and_leaves_nothing_open(sqlite_db: Database) -> None:
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues).values(name="kickoff", position=1))
    counter = await _count_trips(sqlite_db.read_engine)
    async with sqlite_db.single_read() as session:
        names = (await session.execute(select(cues.c.name))).scalars().all()
    assert names == ["kickoff"]
    assert counter.trips == 1
    async with sqlite_db.read_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: aiosqlite.Connection = raw.driver_connection  # type: ignore[assignment]
        assert not driver._conn.in_transaction


async def test_statements_inline_make_no_trip_but_the_begin_and_the_commit_do(
    sqlite_db: Database,
) -> None:
    def store_batch(connection: Connection) -> list[str]:
        with statements_inline(connection):
            connection.execute(insert(cues).values(name="kickoff", position=1))
            connection.execute(insert(cues), [{"name": f"cue {n}", "position": 0} for n in "ab"])
            connection.execute(update(cues).where(cues.c.name == "cue a").values(position=9))
            return list(connection.execute(select(cues.c.name).order_by(cues.c.id)).scalars())

    counter = await _count_trips(sqlite_db.engine)
    async with sqlite_db.transaction() as session:
        connection = await session.connection()
        names = await connection.run_sync(store_batch)
    assert names == ["kickoff", "cue a", "cue b"]
    assert counter.trips == 2  # BEGIN IMMEDIATE with the first insert, then the commit
    async with sqlite_db.read_session() as session:
        rows = (await session.execute(select(cues.c.name, cues.c.position))).all()
    assert sorted(rows) == [("cue a", 9), ("cue b", 0), ("kickoff", 1)]


async def test_an_inline_duplicate_is_an_integrity_error_and_its_transaction_is_undone(
    sqlite_db: Database,
) -> None:
    def store_twice(connection: Connection) -> None:
        with statements_inline(connection):
            connection.execute(insert(cues).values(name="goal", position=1))
            connection.execute(insert(cues).values(name="halftime", position=2))
            connection.execute(insert(cues).values(name="goal", position=3))

    with pytest.raises(IntegrityError):
        async with sqlite_db.transaction() as session:
            connection = await session.connection()
            await connection.run_sync(store_twice)
    async with sqlite_db.transaction() as session:
        await session.execute(insert(cues).values(name="full time", position=4))
    async with sqlite_db.read_session() as session:
        names = (await session.execute(select(cues.c.name))).scalars().all()
    assert names == ["full time"]
