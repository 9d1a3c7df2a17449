"""The database: engines, the naming convention, and the one-commit-per-request session.

Writes go through :meth:`Database.transaction`, which commits once. Whatever must happen
only once the data is stored (publish journal entries, wake the outbox, start a source) is
registered on the transaction with :func:`after_commit` and run by it after the commit, each
callback on its own and bounded, never on the request's path; a rollback runs none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, Pool
from sqlmodel import SQLModel

from app.common.sqlite_driver import OneHopConnection, OneHopDbapi

logger = logging.getLogger(__name__)

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

AfterCommit = Callable[[], Awaitable[None] | None]
_AFTER_COMMIT_KEY = "cuedesk_after_commit"
_DATABASE_KEY = "cuedesk_database"
# A callback that returns an awaitable runs as its own task, cancelled after this long: a
# broker that hangs holds its own task, never the request, the ingest or the next commit.
AFTER_COMMIT_TIMEOUT_SECONDS = 2.0


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` once the transaction of ``session`` has committed; never if it rolls
    back. Callbacks run in the order registered; one that fails is logged and the others
    still run."""
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


def database_of(session: AsyncSession) -> Database | None:
    """The process's Database that opened ``session`` (what after-commit work reaches for)."""
    database: Database | None = session.info.get(_DATABASE_KEY)
    return database


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take over transaction control from the driver so that we can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


# The execution option of the connections that :meth:`Database.single_read` hands out.
_SINGLE_STATEMENT = "cuedesk_single_statement"


def _make_engine(
    url: str, *, sqlite_begin: str | None = None, poolclass: type[Pool] | None = None
) -> AsyncEngine:
    pool_args: dict[str, Any] = {"poolclass": poolclass} if poolclass else {}
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url,
            # Off so that statements_inline can run a statement in the loop's thread; the
            # pool still hands a connection to one user at a time.
            connect_args={"timeout": 15, "check_same_thread": False},
            module=OneHopDbapi(),
            **pool_args,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            if conn.get_execution_options().get(_SINGLE_STATEMENT):
                return  # SQLite gives the one statement a snapshot of its own
            # Writers take the write lock up front: a deferred transaction that later
            # writes can fail with "database is locked" instead of waiting its turn.
            dbapi_connection: OneHopConnection = conn.connection.dbapi_connection
            dbapi_connection.begin_with_first_statement(f"BEGIN {sqlite_begin or ''}".strip())

        return engine
    if poolclass:
        return create_async_engine(url, **pool_args)
    engine = create_async_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no connection that PostgreSQL closed (a restart, ``pg_terminate_backend``):
    the pool then opens a new one. Instead of ``pool_pre_ping``, whose ping through asyncpg
    is three round trips (BEGIN, a query, ROLLBACK) at every checkout, a third of the cost
    of an API read: a closed connection is known without asking, asyncpg having seen its
    socket close. One that fails at its first statement all the same (its end not read
    yet) is invalidated by SQLAlchemy as a disconnect."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is not None and driver.is_closed():
        raise DisconnectionError("the server closed this connection")


class _SqliteWriteSession(AsyncSession):
    """A write session that takes SQLite's single writer at its first statement, not when it
    opens: a request may do slow work (hash a password, call a network) before it touches
    the database without holding every other writer up."""

    write_lock: asyncio.Lock
    holds_writer = False

    async def _take_writer(self) -> None:
        if not self.holds_writer:
            await self.write_lock.acquire()
            self.holds_writer = True

    def release_writer(self) -> None:
        if self.holds_writer:
            self.holds_writer = False
            self.write_lock.release()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        await self._take_writer()
        return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        await self._take_writer()
        return await super().scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        await self._take_writer()
        return await super().scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        await self._take_writer()
        return await super().get(*args, **kwargs)

    async def connection(self, *args: Any, **kwargs: Any) -> Any:
        await self._take_writer()
        return await super().connection(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        await self._take_writer()
        await super().flush(*args, **kwargs)

    async def refresh(self, *args: Any, **kwargs: Any) -> None:
        await self._take_writer()
        await super().refresh(*args, **kwargs)

    async def commit(self) -> None:
        if self.holds_writer or self.new or self.dirty or self.deleted:
            await self._take_writer()
            await super().commit()


class Database:
    """Owns the engines for one process; created by the app's lifespan, never at import."""

    def __init__(
        self, url: str, *, publisher: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = _make_engine(url, sqlite_begin="IMMEDIATE")
        # On SQLite, readers use deferred transactions so that WAL lets them run beside
        # the single writer; on PostgreSQL one engine serves both.
        self.read_engine = _make_engine(url) if self.is_sqlite else self.engine
        # SQLite has one writer at a time; queueing writers here is fairer and cheaper than
        # letting each connection spin on the busy timeout.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        session_class = _SqliteWriteSession if self.is_sqlite else AsyncSession
        self._sessions = async_sessionmaker(
            self.engine, class_=session_class, expire_on_commit=False
        )
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        single_statement = (
            self.read_engine.execution_options(**{_SINGLE_STATEMENT: True})
            if self.is_sqlite
            else self.read_engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._single_reads = async_sessionmaker(single_statement, expire_on_commit=False)
        # Hands the journal entries of each commit to the broker; set by the app.
        self.publisher = publisher
        # Named wake-ups (``"outbox"``) that after-commit work pokes: the process's workers
        # register theirs when they start.
        self.wakers: dict[str, Callable[[], None]] = {}
        # Named receivers of after-commit messages (``"access_ended"``: a user's login or
        # token ended), registered by the app so that services reach the broker without
        # importing it.
        self.signals: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._after_commit_tasks: set[asyncio.Task[None]] = set()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit at the end, or roll back on error; then the after-commit
        callbacks."""
        async with self._sessions() as session:
            session.info[_DATABASE_KEY] = self
            if isinstance(session, _SqliteWriteSession):
                assert self._write_lock is not None
                session.write_lock = self._write_lock
            try:
                yield session
                await session.commit()
            except BaseException:
                session.info.pop(_AFTER_COMMIT_KEY, None)
                await session.rollback()
                raise
            finally:
                if isinstance(session, _SqliteWriteSession):
                    session.release_writer()
            callbacks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT_KEY, [])
        for callback in callbacks:
            self._run_after_commit(callback)

    def _run_after_commit(self, callback: AfterCommit) -> None:
        try:
            result = callback()
        except Exception:
            logger.exception("after-commit work %r failed", callback)
            return
        if result is not None:
            task = asyncio.ensure_future(self._bounded(callback, result))
            self._after_commit_tasks.add(task)
            task.add_done_callback(self._after_commit_tasks.discard)

    @staticmethod
    async def _bounded(callback: AfterCommit, work: Awaitable[None]) -> None:
        try:
            async with asyncio.timeout(AFTER_COMMIT_TIMEOUT_SECONDS):
                await work
        except TimeoutError:
            logger.warning(
                "after-commit work %r took over %.1f s; given up",
                callback,
                AFTER_COMMIT_TIMEOUT_SECONDS,
            )
        except Exception:
            logger.exception("after-commit work %r failed", callback)

    def wake_after_commit(self, session: AsyncSession, name: str) -> None:
        """Poke the worker registered as ``name`` once ``session`` commits."""
        after_commit(session, lambda: self.wake(name))

    def wake(self, name: str) -> None:
        waker = self.wakers.get(name)
        if waker is not None:
            waker()

    def signal_after_commit(
        self, session: AsyncSession, name: str, message: dict[str, Any]
    ) -> None:
        """Hand ``message`` to the receiver registered as ``name`` once ``session`` commits."""
        after_commit(session, lambda: self.signal(name, message))

    def signal(self, name: str, message: dict[str, Any]) -> None:
        receiver = self.signals.get(name)
        if receiver is not None:
            receiver(message)

    def read_session(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        return _reading(self._read_sessions)

    def single_read(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]:
        """A read session for one statement, such as the caller's login on every request.

        The statement runs without BEGIN and ROLLBACK around it: on SQLite one trip to the
        database's thread instead of two, on PostgreSQL one round trip instead of three
        (autocommit). Either still reads it from one snapshot; a second statement would see
        a snapshot of its own: use :meth:`read_session` for several.
        """
        return _reading(self._single_reads)

    async def dispose(self) -> None:
        for task in tuple(self._after_commit_tasks):
            task.cancel()
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def null_pool_engine(url: str) -> AsyncEngine:
    """A short-lived engine for migrations and command-line tools."""
    return _make_engine(url, sqlite_begin="IMMEDIATE", poolclass=NullPool)


@contextlib.asynccontextmanager
async def _reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session of ``sessions`` that writes nothing: rolled back at the end."""
    async with sessions() as session:
        try:
            yield session
        finally:
            await session.rollback()


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
