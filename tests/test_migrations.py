from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from app import migrate
from app.db import metadata, null_pool_engine


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
