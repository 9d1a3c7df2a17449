"""Which process runs the sources: the one that holds a PostgreSQL advisory lock.

Several server processes may share one PostgreSQL database; if each resumed every running
source, every simulator would run once per process. Instead the process holding a
session-level advisory lock, on a connection of its own, runs them, and the others keep
trying. If the leader dies its connection drops, PostgreSQL releases the lock, and the
next process to try takes it. SQLite is the embedded, one-process mode: that process leads.

The lock needs a real server session: behind a pooler in transaction mode (PgBouncer) a
session-level lock would be held by whichever client last used the server connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import Database, null_pool_engine

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A fixed signed 64-bit key for ``pg_try_advisory_lock``, derived from ``name``."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


SOURCES_LOCK_KEY = lock_key("cuedesk.sources")
# A leader that cannot get an answer from its database this fast is treated as having lost
# the lock: another process may already hold it, and two runners are worse than a pause.
QUERY_TIMEOUT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 5.0


class Leadership(Protocol):
    async def acquire(self) -> bool:
        """Try to become the leader; never raises for an unreachable database."""
        ...

    async def held(self) -> bool:
        """Whether leadership taken by ``acquire`` is still ours."""
        ...

    async def release(self) -> None:
        """Give leadership up (and any connection kept for it)."""
        ...


class SoleProcess:
    """SQLite: one process by design, so it always leads."""

    async def acquire(self) -> bool:
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a dedicated connection.

    The connection comes from an engine without a pool: giving the lock up must really
    close the session, not park it (still holding the lock) in a pool.
    """

    def __init__(self, url: str, key: int = SOURCES_LOCK_KEY) -> None:
        self._url = url
        self._key = key
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None
        self._locked = False

    async def acquire(self) -> bool:
        if self._locked:
            return await self.held()
        try:
            conn = await self._connection()
            async with asyncio.timeout(QUERY_TIMEOUT_SECONDS):
                result = await conn.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
                )
        except Exception as exc:
            # Expected while the database is down: one line per try, not a traceback.
            logger.warning("could not try the sources lock (%r); retrying later", exc)
            await self._discard()
            return False
        self._locked = bool(result)
        return self._locked

    async def held(self) -> bool:
        if not self._locked or self._conn is None:
            return False
        try:
            # The lock lives as long as the session: a session that answers still holds it.
            async with asyncio.timeout(QUERY_TIMEOUT_SECONDS):
                await self._conn.scalar(text("SELECT 1"))
        except Exception as exc:
            logger.warning("the connection holding the sources lock is lost (%r)", exc)
            await self._discard()
            return False
        return True

    async def release(self) -> None:
        conn, self._conn, self._locked = self._conn, None, False
        if conn is not None:
            try:
                # Closing the session releases the lock; no unlock statement to get wrong.
                async with asyncio.timeout(QUERY_TIMEOUT_SECONDS):
                    await conn.close()
            except Exception:
                logger.warning("closing the sources lock connection failed", exc_info=True)
                await _invalidate(conn)
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            if self._engine is None:
                self._engine = null_pool_engine(self._url)
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                conn = await self._engine.connect()
            # Autocommit: the session must sit idle, not idle in a transaction, for hours.
            self._conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def _discard(self) -> None:
        """Drop a connection that failed; the server ends its session (and lock) when it
        notices, and the next ``acquire`` opens a new one."""
        conn, self._conn, self._locked = self._conn, None, False
        if conn is not None:
            await _invalidate(conn)


async def _invalidate(conn: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        async with asyncio.timeout(QUERY_TIMEOUT_SECONDS):
            await conn.invalidate()
            await conn.close()


def leadership_for(db: Database) -> Leadership:
    return SoleProcess() if db.is_sqlite else AdvisoryLock(db.url)
