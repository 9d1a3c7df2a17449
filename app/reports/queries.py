"""SQL shared by the live numbers' snapshot and the after-show report: aggregates the
database computes, so that neither reads an event's mentions one by one."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.auth.models import User
from app.common.time import as_utc
from app.events.models import Event
from app.mentions.models import Mention
from app.replies.models import Reply

mention_table = Mention.__table__  # type: ignore[attr-defined]
reply_table = Reply.__table__  # type: ignore[attr-defined]
event_table = Event.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]


@contextlib.asynccontextmanager
async def snapshot(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose reads all see one state of the database (REPEATABLE READ on
    PostgreSQL; SQLite's read transaction is a snapshot already)."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="REPEATABLE READ")
        yield connection


def epoch_minute(connection: AsyncConnection, column: Any) -> Any:
    """The minute a time falls in, as whole minutes since 1970, in SQL."""
    if connection.dialect.name == "sqlite":
        # ``//``: SQL's integer division (``/`` is true division in SQLAlchemy 2).
        return cast(func.strftime("%s", column), Integer) // 60
    return cast(func.floor(func.extract("epoch", column) / 60), Integer)


def minute_start(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


async def event_row(connection: AsyncConnection, event_id: int) -> Any:
    result = await connection.execute(select(event_table).where(event_table.c.id == event_id))
    return result.first()


async def volume(
    connection: AsyncConnection, event_id: int, as_of_seq: int
) -> list[tuple[int, int, int, int]]:
    """(epoch minute, mentions, first seq, last seq) for every minute with a mention."""
    minute = epoch_minute(connection, mention_table.c.received_at).label("minute")
    result = await connection.execute(
        select(
            minute,
            func.count(),
            func.min(mention_table.c.seq),
            func.max(mention_table.c.seq),
        )
        .where(mention_table.c.event_id == event_id, mention_table.c.seq <= as_of_seq)
        .group_by(minute)
        .order_by(minute)
    )
    return [(int(m), int(n), int(lo), int(hi)) for m, n, lo, hi in result]


@dataclass(frozen=True, slots=True)
class Answer:
    mention_id: int
    operator: str
    received_at: datetime
    answered_at: datetime
    author_handle: str = ""
    text: str = ""

    @property
    def seconds(self) -> float:
        return (self.answered_at - self.received_at).total_seconds()


async def first_answers(connection: AsyncConnection, event_id: int) -> list[Answer]:
    """Each answered mention's first reply: who sent it and when, beside when it arrived
    (one row per answered mention: as many as the team answered, not the event's size)."""
    first = (
        select(reply_table.c.mention_id, func.min(reply_table.c.id).label("reply_id"))
        .where(reply_table.c.event_id == event_id)
        .group_by(reply_table.c.mention_id)
        .subquery()
    )
    result = await connection.execute(
        select(
            mention_table.c.id,
            func.coalesce(user_table.c.username, "(deleted user)"),
            mention_table.c.received_at,
            reply_table.c.created_at,
            mention_table.c.author_handle,
            mention_table.c.text,
        )
        .select_from(
            first.join(reply_table, reply_table.c.id == first.c.reply_id)
            .join(mention_table, mention_table.c.id == first.c.mention_id)
            .outerjoin(user_table, user_table.c.id == reply_table.c.author_id)
        )
        .order_by(reply_table.c.created_at, reply_table.c.id)
    )
    return [
        Answer(int(mention_id), str(operator), as_utc(received), as_utc(answered), handle, text)
        for mention_id, operator, received, answered, handle, text in result
    ]
