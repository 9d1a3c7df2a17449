from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import migrate
from app.db import metadata, null_pool_engine
from tests.conftest import POSTGRES_URL, create_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]


async def test_migrations_build_the_whole_schema_from_an_empty_sqlite_file(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    await migrate.upgrade(url)
    await migrate.upgrade(url)  # a second run is a no-op, as at every start-up
    assert await migrate.current_revision(url) is not None
    engine = null_pool_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert set(metadata.tables) <= tables


async def test_migrations_match_the_models(database_url: str) -> None:
    """The migrated database (SQLite, and PostgreSQL in CI) has what the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = null_pool_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_events_from_before_the_epoch_each_get_their_own(tmp_path: Path) -> None:
    from sqlalchemy import text

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await migrate.upgrade(url, "0003")
    engine = null_pool_engine(url)
    try:
        async with engine.begin() as conn:
            for name in ("Cup Final", "Semi Final"):
                await conn.execute(
                    text(
                        "INSERT INTO event (name, hashtags, keywords, networks, status, "
                        "last_seq, created_at, updated_at) VALUES (:name, '[]', '[]', '[]', "
                        "'live', 0, '2026-11-30 20:00:00+00:00', '2026-11-30 20:00:00+00:00')"
                    ),
                    {"name": name},
                )
        await migrate.upgrade(url)
        async with engine.connect() as conn:
            epochs = (await conn.execute(text("SELECT journal_epoch FROM event"))).scalars().all()
    finally:
        await engine.dispose()
    assert len(set(epochs)) == 2 and all(epochs)


# Several processes starting together on one PostgreSQL database. Defined only when there is
# a server: this test does not exist on SQLite (one process by design) rather than skipping.
if POSTGRES_URL:
    UPGRADE = (
        "import asyncio, sys\nfrom app import migrate\nasyncio.run(migrate.upgrade(sys.argv[1]))"
    )
    PROCESSES = 6

    async def test_processes_starting_together_on_an_empty_postgresql_database_all_start() -> None:
        url = await create_postgres_database()
        engine = null_pool_engine(url)
        try:
            # Line every process up at the same point, as start-ups that happen to coincide
            # do: hold the first table the upgrade creates, uncommitted, until all of them
            # wait, then let go.
            async with engine.connect() as holder:
                await holder.execute(text("CREATE TABLE alembic_version (n int)"))
                processes = [
                    await asyncio.create_subprocess_exec(
                        sys.executable, "-c", UPGRADE, url, cwd=ROOT, stderr=subprocess.PIPE
                    )
                    for _ in range(PROCESSES)
                ]
                await _until_waiting(engine, PROCESSES)
                await holder.rollback()
            results = [await p.communicate() for p in processes]
            errors = b"\n".join(stderr for _out, stderr in results).decode()
            assert [p.returncode for p in processes] == [0] * PROCESSES, errors
            async with engine.connect() as conn:
                versions = (await conn.execute(text("SELECT * FROM alembic_version"))).all()
            assert [row[0] for row in versions] == [_head_revision()]
        finally:
            await engine.dispose()
            await drop_postgres_database(url)

    async def _until_waiting(engine: AsyncEngine, count: int) -> None:
        """Wait until ``count`` sessions on the database wait for a lock."""
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        for _ in range(1200):
            async with engine.connect() as conn:
                if (await conn.execute(query)).scalar_one() >= count:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{count} processes never got to wait for the first table")


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
