"""SQLite through aiosqlite, one hand-over to its thread a statement instead of four.

aiosqlite runs every sqlite3 call in the connection's own thread, and SQLAlchemy's adapter
makes a call for each step of a statement: open a cursor, execute, fetch the rows, close.
Each step is a trip to that thread and back to the event loop (a queue, a GIL hand-over and
a wake-up of the loop), and at a few thousand mentions a second those trips cost more CPU
than SQLite's own work. This cursor runs the whole statement as one function in the
connection's thread, as SQLAlchemy's aiosqlite dialect itself does for its isolation-level
setter, and keeps what the statement returned (rows, description, rowcount, last row id)
for SQLAlchemy to read synchronously.

Errors are the ones sqlite3 raises, handed over by the same path as SQLAlchemy's adapter, so
SQLAlchemy wraps them exactly as before (``IntegrityError``, ``OperationalError``...).

A trip costs more CPU than a small statement (about 75 µs against a few µs on a 2-core
machine), so the transaction's own trips are cut too. Its ``BEGIN`` rides along with its
first statement (:meth:`OneHopConnection.begin_with_first_statement`), and a commit or a
rollback with nothing open in SQLite (the pool's reset of a connection already rolled back,
a transaction that never ran a statement) makes no trip, as sqlite3 itself would do nothing.
Code whose statements are few and bounded, such as an ingest batch, runs them with no trip
at all (:func:`statements_inline`).
"""

from __future__ import annotations

import collections
import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import aiosqlite
from sqlalchemy import Connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# What one statement left behind: description, rows, rowcount, lastrowid.
_Outcome = tuple[Any, Sequence[Any], int, int | None]


def _run_one(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any
) -> _Outcome:
    cursor = connection.cursor()
    try:
        if begin:
            cursor.execute(begin)
        cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(
    connection: sqlite3.Connection, begin: str | None, operation: str, parameters: Any
) -> _Outcome:
    cursor = connection.cursor()
    try:
        if begin:
            cursor.execute(begin)
        cursor.executemany(operation, parameters)
        return cursor.description, (), cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose statement runs in one call to the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No driver cursor is opened here: each execute opens and closes its own in the
        # thread. The base class's slots still get the values its methods read.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass  # every row is fetched at once anyway

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._run_statement(_run_one, operation, parameters or ())

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._run_statement(_run_many, operation, seq_of_parameters)

    def _run_statement(self, run: Any, operation: Any, parameters: Any) -> None:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        adapt_connection: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        begin = adapt_connection.take_pending_begin()
        try:
            if adapt_connection.inline and begin is None:
                outcome = run(driver._conn, None, operation, parameters)
            else:
                outcome = await_(driver._execute(run, driver._conn, begin, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        return  # nothing is open in the driver: the rows are already here

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_pending_begin", "inline")
    _cursor_cls: type[AsyncAdapt_aiosqlite_cursor] = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._pending_begin: str | None = None
        # Set by :func:`statements_inline`: statements run in the caller's thread.
        self.inline = False

    def begin_with_first_statement(self, begin: str) -> None:
        """Run ``begin`` (``BEGIN``, ``BEGIN IMMEDIATE``) just before the next statement, in
        the same trip. SQLite takes its locks at that moment either way: a deferred
        transaction at its first read, an immediate one at its ``BEGIN``, which is the
        first thing the transaction asks of SQLite."""
        self._pending_begin = begin

    def take_pending_begin(self) -> str | None:
        begin, self._pending_begin = self._pending_begin, None
        return begin

    def _has_open_transaction(self) -> bool:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        # A flag read, no statement: safe outside the connection's thread while no trip
        # is under way, and SQLAlchemy makes one call at a time on a connection.
        return driver._connection is not None and driver._conn.in_transaction

    def rollback(self) -> None:
        if self.take_pending_begin() is None and self._has_open_transaction():
            super().rollback()

    def commit(self) -> None:
        if self.take_pending_begin() is None and self._has_open_transaction():
            super().commit()


class OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module to give ``create_async_engine(..., module=...)`` for SQLite."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


@contextlib.contextmanager
def statements_inline(connection: Connection) -> Iterator[None]:
    """Run this transaction's statements in the event loop's own thread, without the trip
    to SQLite's thread, for code on the connection (inside ``run_sync``) whose statements
    are few and bounded, such as one ingest batch.

    A trip costs about 75 µs of CPU; a batch's insert of a hundred mentions costs SQLite
    about 2 ms, which the loop then spends itself, for five trips saved. The loop is held
    no longer than the statements take (the batch is bounded). What may wait stays in the
    thread: the ``BEGIN IMMEDIATE`` that queues behind another process's writer rides with
    the first statement, which still makes its trip, and so does the commit, where SQLite
    checkpoints. No effect on other databases.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if not isinstance(dbapi_connection, OneHopConnection):
        yield
        return
    dbapi_connection.inline = True
    try:
        yield
    finally:
        dbapi_connection.inline = False
