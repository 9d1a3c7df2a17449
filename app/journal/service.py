"""The journal: the append-only, gap-free log of everything that happens in an event.

Every write takes the event's counter row first (``SELECT ... FOR UPDATE`` on PostgreSQL;
SQLite's single writer holds the database lock already). Writers of one event therefore
run one after another, so ``seq`` numbers are assigned and committed in order, without
gaps, and a rollback gives the numbers back.

The rule for every writer: call :func:`lock_counter` BEFORE any other write of the
transaction, and before locking any other row of the event (``FOR UPDATE``). On PostgreSQL
inserting a row with a foreign key to the event (a source, a saved reply, a journal entry)
share-locks the event row; two writers that each did that and then asked for the counter
would wait on each other, and PostgreSQL would kill one with "deadlock detected". Taking
the counter first makes every writer of an event queue in one line instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Integer,
    String,
    bindparam,
    case,
    column,
    func,
    insert,
    select,
    table,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.bulk import BulkInsert
from app.common.errors import NotFound
from app.common.time import as_utc, isoformat_z, utcnow
from app.db import after_commit, database_of
from app.journal.models import JournalEntry, new_journal_epoch

journal_table = JournalEntry.__table__  # type: ignore[attr-defined]
# The counter is a column of the event's row (``Event.last_seq``), so that locking it also
# queues the event's own edits; its epoch (``Event.journal_epoch``) sits beside it. The
# journal names just the columns it uses rather than import the events domain, which sits
# above it (events journal their changes).
event_table = table(
    "event",
    column("id", Integer),
    column("last_seq", Integer),
    column("journal_epoch", String),
)


# Built once: a statement built per call costs its construction and cache key each time.
_INSERT_ENTRIES = BulkInsert(
    insert(journal_table), ("event_id", "seq", "type", "at", "actor", "data")
)
_SET_LAST_SEQ = (
    update(event_table)
    .where(event_table.c.id == bindparam("counter_event_id"))
    .values(last_seq=bindparam("new_last_seq"))
)


@dataclass(slots=True)
class NewEntry:
    type: str
    data: dict[str, Any]
    actor: str | None = None
    at: datetime | None = None


async def lock_counter(session: AsyncSession, event_id: int) -> int:
    """Lock the event's journal counter for this transaction and return its last seq."""
    result = await session.execute(
        select(event_table.c.last_seq).where(event_table.c.id == event_id).with_for_update()
    )
    last_seq = result.scalar_one_or_none()
    if last_seq is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    return int(last_seq)


def entry_dict(seq: int, entry: NewEntry, at_z: str) -> dict[str, Any]:
    """An entry as published; ``at_z`` is its time as :func:`isoformat_z` writes it."""
    return {
        "seq": seq,
        "type": entry.type,
        "at": at_z,
        "actor": entry.actor,
        "data": entry.data,
    }


async def write(
    session: AsyncSession, event_id: int, last_seq: int, entries: list[NewEntry]
) -> list[dict[str, Any]]:
    """Append ``entries`` after ``last_seq`` (from :func:`lock_counter` in this transaction).

    Returns the entries as the public format; they are published after the commit.
    """
    if not entries:
        return []
    # The connection does not autoflush as session.execute does: ORM changes made before
    # the entries still reach the database first.
    await session.flush()
    connection = await session.connection()
    published = await connection.run_sync(write_on, event_id, last_seq, entries)
    publish_after_commit(session, event_id, published)
    return published


def write_on(
    connection: Connection, event_id: int, last_seq: int, entries: list[NewEntry]
) -> list[dict[str, Any]]:
    """:func:`write` for code already running on the transaction's connection (inside
    ``run_sync``), which must then hand the result to :func:`publish_after_commit`."""
    now = utcnow()
    rows = []
    published = []
    # A batch's entries mostly share one time: format each distinct time once.
    at_z: dict[datetime, str] = {}
    for offset, entry in enumerate(entries, start=1):
        at = entry.at or now
        if at not in at_z:
            at_z[at] = isoformat_z(at)
        rows.append(
            {
                "event_id": event_id,
                "seq": last_seq + offset,
                "type": entry.type,
                "at": at,
                "actor": entry.actor,
                "data": orjson.dumps(entry.data).decode(),
            }
        )
        published.append(entry_dict(last_seq + offset, entry, at_z[at]))
    _INSERT_ENTRIES.execute(connection, rows)
    connection.execute(
        _SET_LAST_SEQ, {"counter_event_id": event_id, "new_last_seq": last_seq + len(entries)}
    )
    return published


_UNPUBLISHED_KEY = "cuedesk_unpublished_entries"


def publish_after_commit(
    session: AsyncSession, event_id: int, published: list[dict[str, Any]]
) -> None:
    """Hand the transaction's entries to the broker once it commits, all in one message."""
    if not published:
        return
    entries = [{"event_id": event_id, **item} for item in published]
    database = database_of(session)
    if database is None or database.publisher is None:
        return
    unpublished: list[dict[str, Any]] | None = session.info.get(_UNPUBLISHED_KEY)
    if unpublished is None:
        unpublished = session.info[_UNPUBLISHED_KEY] = []
        publisher = database.publisher

        def publish() -> None:
            session.info.pop(_UNPUBLISHED_KEY, None)
            publisher(unpublished)

        after_commit(session, publish)
    unpublished.extend(entries)


async def append(
    session: AsyncSession,
    event_id: int,
    type: str,
    data: dict[str, Any],
    actor: str | None = None,
) -> dict[str, Any]:
    """Lock, number and write one entry in the caller's transaction."""
    last_seq = await lock_counter(session, event_id)
    (entry,) = await write(session, event_id, last_seq, [NewEntry(type, data, actor)])
    return entry


async def read(
    session: AsyncSession, event_id: int, after_seq: int = 0, limit: int = 1000
) -> list[dict[str, Any]]:
    """Entries after ``after_seq``, in order, at most ``limit``."""
    result = await session.execute(
        select(
            journal_table.c.seq,
            journal_table.c.type,
            journal_table.c.at,
            journal_table.c.actor,
            journal_table.c.data,
        )
        .where(journal_table.c.event_id == event_id, journal_table.c.seq > after_seq)
        .order_by(journal_table.c.seq)
        .limit(limit)
    )
    return [
        {
            "seq": row.seq,
            "type": row.type,
            "at": isoformat_z(row.at),
            "actor": row.actor,
            "data": orjson.loads(row.data),
        }
        for row in result
    ]


async def last_seq(session: AsyncSession, event_id: int) -> int:
    result = await session.execute(
        select(event_table.c.last_seq).where(event_table.c.id == event_id)
    )
    value = result.scalar_one_or_none()
    if value is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    return int(value)


async def head(session: AsyncSession, event_id: int) -> tuple[int, str]:
    """The event's last seq and the epoch its numbers belong to."""
    result = await session.execute(
        select(event_table.c.last_seq, event_table.c.journal_epoch).where(
            event_table.c.id == event_id
        )
    )
    row = result.first()
    if row is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    return int(row.last_seq), str(row.journal_epoch)


async def renew_epochs(session: AsyncSession) -> int:
    """Give every event's journal a new epoch (after restoring a backup: consoles that saw
    entries the backup lacks must reload, not resume); answers how many events."""
    ids = (await session.execute(select(event_table.c.id))).scalars().all()
    for event_id in ids:
        await session.execute(
            update(event_table)
            .where(event_table.c.id == event_id)
            .values(journal_epoch=new_journal_epoch())
        )
    return len(ids)


# -- reading for the replay (app/replay) ------------------------------------------------


@dataclass(slots=True, frozen=True)
class EncodedEntry:
    """An entry as stored: its time already in the journal's format, its data still the
    JSON text it was written as."""

    seq: int
    type: str
    at_z: str
    actor: str | None
    data: str


def _stored_time_z(value: str | datetime) -> str:
    """:func:`isoformat_z` of a stored time. SQLite hands back the text it stores
    (``2026-02-08 23:41:05.123456``, always with microseconds): cut, not parsed, which is
    most of the cost of a page of entries."""
    if isinstance(value, datetime):
        return isoformat_z(value)
    if len(value) >= 23 and value[10] == " ":
        return f"{value[:10]}T{value[11:23]}Z"
    return isoformat_z(datetime.fromisoformat(value))


async def read_encoded(
    session: AsyncSession, event_id: int, after_seq: int, until_seq: int, limit: int
) -> list[EncodedEntry]:
    """Entries in (``after_seq``, ``until_seq``], in order, at most ``limit``, their data
    unparsed: the replay sends them on as they are."""
    result = await session.execute(
        select(
            journal_table.c.seq,
            journal_table.c.type,
            # The column's own type would parse every time only for it to be written out.
            type_coerce(journal_table.c.at, String).label("at"),
            journal_table.c.actor,
            journal_table.c.data,
        )
        .where(
            journal_table.c.event_id == event_id,
            journal_table.c.seq > after_seq,
            journal_table.c.seq <= until_seq,
        )
        .order_by(journal_table.c.seq)
        .limit(limit)
    )
    return [
        EncodedEntry(seq, kind, _stored_time_z(at), actor, data)
        for seq, kind, at, actor, data in result.all()
    ]


async def read_of_types(
    session: AsyncSession, event_id: int, types: frozenset[str], after_seq: int, until_seq: int
) -> list[dict[str, Any]]:
    """The entries of these types in (``after_seq``, ``until_seq``], in order, with their
    data parsed and their time as a datetime. The rest are skipped by the database."""
    result = await session.execute(
        select(journal_table.c.seq, journal_table.c.type, journal_table.c.at, journal_table.c.data)
        .where(
            journal_table.c.event_id == event_id,
            journal_table.c.seq > after_seq,
            journal_table.c.seq <= until_seq,
            journal_table.c.type.in_(sorted(types)),
        )
        .order_by(journal_table.c.seq)
    )
    return [
        {"seq": row.seq, "type": row.type, "at": row.at, "data": orjson.loads(row.data)}
        for row in result
    ]


@dataclass(slots=True, frozen=True)
class MinuteCount:
    minute_at: datetime
    entries: int
    mentions: int
    first_seq: int
    last_seq: int


async def minute_counts(
    session: AsyncSession, event_id: int, after_seq: int, until_seq: int
) -> list[MinuteCount]:
    """Per minute of the entries' ``at``: how many entries and mentions, and their seqs.
    Counted by the database in one pass over the range."""
    if session.get_bind().dialect.name == "sqlite":
        # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC): the first 16 characters are the minute.
        bucket: Any = func.substr(journal_table.c.at, 1, 16)
    else:
        bucket = func.date_trunc("minute", journal_table.c.at)
    is_mention = case((journal_table.c.type == "mention.received", 1), else_=0)
    result = await session.execute(
        select(
            bucket.label("minute"),
            func.count(),
            func.sum(is_mention),
            func.min(journal_table.c.seq),
            func.max(journal_table.c.seq),
        )
        .where(
            journal_table.c.event_id == event_id,
            journal_table.c.seq > after_seq,
            journal_table.c.seq <= until_seq,
        )
        .group_by(bucket)
        .order_by(bucket)
    )
    counts = []
    for minute, entries, mentions, first_seq, last_seq in result:
        if isinstance(minute, str):
            minute = datetime.fromisoformat(minute + ":00+00:00")
        counts.append(MinuteCount(as_utc(minute), entries, int(mentions or 0), first_seq, last_seq))
    return counts


async def at_of(session: AsyncSession, event_id: int, seq: int) -> datetime | None:
    """When entry ``seq`` was written, or None if there is no such entry."""
    result = await session.execute(
        select(journal_table.c.at).where(
            journal_table.c.event_id == event_id, journal_table.c.seq == seq
        )
    )
    value: datetime | None = result.scalar_one_or_none()
    return value
