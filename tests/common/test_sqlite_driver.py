"""SQLite's one-hop cursor answers as the stock aiosqlite adapter does: the rows, the counts
the claim fencing reads, the ids of inserted rows, and SQLAlchemy's own errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.common.sqlite_driver import OneHopCursor
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
