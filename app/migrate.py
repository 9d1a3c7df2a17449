"""Run Alembic migrations from code: ``cuedesk db upgrade`` and the server's start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db import null_pool_engine
from app.ingest.leader import lock_key

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Every process of every version upgrading the database contends for this one lock.
MIGRATE_LOCK_KEY = lock_key("cuedesk.migrate")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database to ``revision``; creates the schema on an empty database.

    Server processes started together each upgrade at start-up. On PostgreSQL they take
    turns on an advisory lock held until the upgrade commits, so the first does the work
    and the others find the schema at ``revision``; without it two would create the same
    tables at once and one would crash. SQLite's write lock (``BEGIN IMMEDIATE``) already
    serialises them.
    """
    config = alembic_config()
    engine = null_pool_engine(database_url)

    def _run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK_KEY}
                )
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


async def current_revision(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = null_pool_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
