"""The replay index: built from the journal, in whole chunks of ``CHECKPOINT_EVERY`` seqs,
as the journal grows (and when a replay is opened, for what was added since).

Reading is done in a read session (the database counts minutes and skips mentions itself:
Python only sees the few entries the board and the markers need); the results are written
in one short transaction per slice. While a show runs, :class:`ReplayIndexer` does this
every few seconds in every server process, so the index is finished when the show is. The
checkpoint rows are inserted first, so of two processes indexing the same slice one fails
on their primary key and rolls back whole, minutes included: nothing is counted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.db import Database
from app.journal import service as journal
from app.replay.board import BOARD_TYPES, Board
from app.replay.models import ReplayCheckpoint, ReplayMarker, ReplayMinute

logger = logging.getLogger(__name__)

CHECKPOINT_EVERY = 1000
# One write transaction covers at most this many seqs, so that a first build of a big
# event never holds SQLite's single writer (ingest) for long.
SLICE_SEQS = 100_000
# While a show runs the index follows it this closely (each pass a few chunks at most).
INDEX_EVERY_SECONDS = 5.0
MARKER_TYPES = frozenset({"cue.fired", "post.published"})
INDEXED_TYPES = BOARD_TYPES | MARKER_TYPES

checkpoint_table = ReplayCheckpoint.__table__  # type: ignore[attr-defined]
minute_table = ReplayMinute.__table__  # type: ignore[attr-defined]
marker_table = ReplayMarker.__table__  # type: ignore[attr-defined]

_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)


async def latest_checkpoint(
    session: AsyncSession, event_id: int, at_most: int | None = None
) -> tuple[int, str]:
    """The seq and board (JSON text) of the last checkpoint at or below ``at_most``; seq 0
    and an empty board before the first."""
    query = select(checkpoint_table.c.seq, checkpoint_table.c.board).where(
        checkpoint_table.c.event_id == event_id
    )
    if at_most is not None:
        query = query.where(checkpoint_table.c.seq <= at_most)
    row = (await session.execute(query.order_by(checkpoint_table.c.seq.desc()).limit(1))).first()
    if row is None:
        return 0, orjson.dumps(Board().state()).decode()
    return int(row.seq), str(row.board)


def chunk_end(last_seq: int) -> int:
    """How far the index reaches for a journal ending at ``last_seq``: whole chunks only."""
    return last_seq - last_seq % CHECKPOINT_EVERY


async def catch_up(database: Database, event_id: int) -> int:
    """Index the event's journal up to its last whole chunk; answers how far the index
    reaches. Run it before the request's own session reads anything: on SQLite that
    session's snapshot would not see what this writes."""
    async with database.read_session() as session:
        target = chunk_end(await journal.last_seq(session, event_id))
        indexed, _ = await latest_checkpoint(session, event_id)
    if indexed >= target:
        return indexed
    async with _locks[event_id]:
        while True:
            async with database.read_session() as session:
                indexed, board_text = await latest_checkpoint(session, event_id)
                if indexed >= target:
                    return indexed
                until = min(target, indexed + SLICE_SEQS)
                work = await _read_slice(session, event_id, indexed, until, board_text)
            try:
                async with database.transaction() as session:
                    await _write_slice(session, event_id, *work)
            except IntegrityError:
                # Another process indexed this slice first; read on from where it got.
                logger.info("replay index of event %s: slice built elsewhere", event_id)


async def _read_slice(
    session: AsyncSession, event_id: int, after: int, until: int, board_text: str
) -> tuple[list[dict[str, Any]], list[journal.MinuteCount], list[dict[str, Any]]]:
    minutes = await journal.minute_counts(session, event_id, after, until)
    entries = await journal.read_of_types(session, event_id, INDEXED_TYPES, after, until)
    board = Board(orjson.loads(board_text))
    checkpoints: list[dict[str, Any]] = []
    position = iter(entries)
    pending = next(position, None)
    for boundary in range(after + CHECKPOINT_EVERY, until + 1, CHECKPOINT_EVERY):
        while pending is not None and pending["seq"] <= boundary:
            board.apply(pending["type"], pending["data"])
            pending = next(position, None)
        checkpoints.append(
            {"event_id": event_id, "seq": boundary, "board": orjson.dumps(board.state()).decode()}
        )
    markers = [marker_row(event_id, entry) for entry in entries if entry["type"] in MARKER_TYPES]
    return checkpoints, minutes, markers


def marker_row(event_id: int, entry: dict[str, Any]) -> dict[str, Any]:
    data = entry["data"]
    if entry["type"] == "cue.fired":
        title = data.get("title") or f"Cue {data.get('cue_id')}"  # older entries: no title
        kind, label = "cue", f"{title} fired"
    else:
        post = data.get("post") or {}
        kind, label = "post", f"{post.get('network', '?')}: {post.get('text', '')}"
    return {
        "event_id": event_id,
        "seq": entry["seq"],
        "kind": kind,
        "at": entry["at"],
        "label": label[:300],
    }


async def _write_slice(
    session: AsyncSession,
    event_id: int,
    checkpoints: list[dict[str, Any]],
    minutes: list[journal.MinuteCount],
    markers: list[dict[str, Any]],
) -> None:
    await session.execute(insert(checkpoint_table), checkpoints)
    if markers:
        await session.execute(insert(marker_table), markers)
    known = await _stored_minutes(session, event_id, [m.minute_at for m in minutes])
    for minute in minutes:
        if minute.minute_at in known:
            await session.execute(
                update(minute_table)
                .where(
                    minute_table.c.event_id == event_id,
                    minute_table.c.minute_at == minute.minute_at,
                )
                .values(
                    entries=minute_table.c.entries + minute.entries,
                    mentions=minute_table.c.mentions + minute.mentions,
                    last_seq=minute.last_seq,
                )
            )
        else:
            await session.execute(
                insert(minute_table).values(
                    event_id=event_id,
                    minute_at=minute.minute_at,
                    entries=minute.entries,
                    mentions=minute.mentions,
                    first_seq=minute.first_seq,
                    last_seq=minute.last_seq,
                )
            )


async def _stored_minutes(
    session: AsyncSession, event_id: int, minutes: list[datetime]
) -> set[datetime]:
    if not minutes:
        return set()
    result = await session.execute(
        select(minute_table.c.minute_at).where(
            minute_table.c.event_id == event_id,
            minute_table.c.minute_at >= min(minutes),
            minute_table.c.minute_at <= max(minutes),
        )
    )
    return set(result.scalars())


async def stored_minutes(session: AsyncSession, event_id: int) -> list[journal.MinuteCount]:
    result = await session.execute(
        select(minute_table)
        .where(minute_table.c.event_id == event_id)
        .order_by(minute_table.c.minute_at)
    )
    return [
        journal.MinuteCount(row.minute_at, row.entries, row.mentions, row.first_seq, row.last_seq)
        for row in result
    ]


async def stored_markers(session: AsyncSession, event_id: int) -> list[dict[str, Any]]:
    result = await session.execute(
        select(marker_table.c.seq, marker_table.c.kind, marker_table.c.at, marker_table.c.label)
        .where(marker_table.c.event_id == event_id)
        .order_by(marker_table.c.seq)
    )
    return [dict(row._mapping) for row in result]


async def events_behind(session: AsyncSession) -> list[int]:
    """The events whose journal has a whole chunk the index does not have yet."""
    events = (
        await session.execute(select(journal.event_table.c.id, journal.event_table.c.last_seq))
    ).all()
    result = await session.execute(
        select(checkpoint_table.c.event_id, func.max(checkpoint_table.c.seq)).group_by(
            checkpoint_table.c.event_id
        )
    )
    indexed: dict[int, int] = {int(key): int(value) for key, value in result.all()}
    return [
        event_id for event_id, last_seq in events if chunk_end(last_seq) > indexed.get(event_id, 0)
    ]


class ReplayIndexer:
    """Keeps every event's replay index caught up while the show runs, a few chunks at a
    time, so that opening the replay afterwards reads a finished index. Every server process
    runs one; two that index the same chunk settle it on the checkpoint's key (above)."""

    def __init__(self, database: Database, interval_seconds: float = INDEX_EVERY_SECONDS) -> None:
        self.database = database
        self.interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="replay-indexer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def step(self) -> int:
        """One pass: catch up every event that is behind; answers how many were."""
        async with self.database.read_session() as session:
            behind = await events_behind(session)
        for event_id in behind:
            try:
                await catch_up(self.database, event_id)
            except NotFound:
                continue  # deleted meanwhile
        return len(behind)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.step()
            except Exception:
                logger.exception("the replay index could not be brought up to date; retrying")
