"""The database: engines, the naming convention, and the one-commit-per-request session.

Writes go through :meth:`Database.transaction`, which commits once and only then hands the
journal entries written in it to the publisher (the broker). A rollback publishes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, Pool
from sqlmodel import SQLModel

logger = logging.getLogger(__name__)

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

# Journal entries (as dicts) written in a session, published after its commit.
PENDING_ENTRIES_KEY = "cuedesk_pending_entries"
Publisher = Callable[[list[dict[str, Any]]], Awaitable[None]]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take over transaction control from the driver so that we can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _make_engine(
    url: str, *, sqlite_begin: str | None = None, poolclass: type[Pool] | None = None
) -> AsyncEngine:
    pool_args: dict[str, Any] = {"poolclass": poolclass} if poolclass else {}
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 15}, **pool_args)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the write lock up front: a deferred transaction that later
            # writes can fail with "database is locked" instead of waiting its turn.
            conn.exec_driver_sql(f"BEGIN {sqlite_begin or ''}".strip())

        return engine
    if poolclass:
        return create_async_engine(url, **pool_args)
    return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    """Owns the engines for one process; created by the app's lifespan, never at import."""

    def __init__(self, url: str, *, publisher: Publisher | None = None) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, sqlite_begin="IMMEDIATE")
        # On SQLite, readers use deferred transactions so that WAL lets them run beside
        # the single writer; on PostgreSQL one engine serves both.
        self.read_engine = _make_engine(url) if self.is_sqlite else self.engine
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # SQLite has one writer at a time; queueing writers here is fairer and cheaper than
        # letting each connection spin on the busy timeout.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self.publisher = publisher

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit at the end, or roll back on error; publish after commit."""
        lock = self._write_lock or contextlib.nullcontext()
        async with lock:
            async with self._sessions() as session:
                try:
                    yield session
                    await session.commit()
                except BaseException:
                    await session.rollback()
                    raise
                entries: list[dict[str, Any]] = session.info.pop(PENDING_ENTRIES_KEY, [])
        if entries and self.publisher is not None:
            try:
                await self.publisher(entries)
            except Exception:
                # The journal is the truth; consoles catch up from it on their next read.
                logger.exception("publishing %d journal entries failed", len(entries))

    @contextlib.asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            try:
                yield session
            finally:
                await session.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def null_pool_engine(url: str) -> AsyncEngine:
    """A short-lived engine for migrations and command-line tools."""
    return _make_engine(url, sqlite_begin="IMMEDIATE", poolclass=NullPool)


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: reads get a read session, writes one committed transaction."""
    db = get_database(request)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        async with db.read_session() as session:
            yield session
    else:
        async with db.transaction() as session:
            yield session


# scope="function": the transaction commits when the endpoint returns, before the response
# is sent, so a failed commit can never be reported to the client as a success.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
