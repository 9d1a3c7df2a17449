"""What the outbox (app/publish/outbox.py) publishes: each kind of row is an
:class:`OutboxQueue` (replies: app/replies/outbox.py; posts: app/posts/outbox.py); which of
its rows are due; and how long a transient failure waits before the next attempt."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.publish.publishers import Outgoing


class OutboxQueue(ABC):
    """One kind of row the outbox publishes. Subclasses set ``noun`` and ``table`` and say
    how a row looks to consoles (``public``)."""

    noun: str
    table: Table

    def due_also(self, now: datetime) -> ColumnElement[bool]:
        """What else must hold for a waiting row to be due (a thread's earlier post)."""
        return true()

    @abstractmethod
    async def public(self, session: AsyncSession, row_id: int) -> dict[str, Any]:
        """The row as its journal entries carry it."""

    async def public_of(self, session: AsyncSession, row: dict[str, Any]) -> dict[str, Any]:
        """The public shape of a row just read (a queue whose shape is the row's own
        answers without a query)."""
        return await self.public(session, row["id"])

    async def outgoing(self, session: AsyncSession, row: dict[str, Any]) -> Outgoing:
        return Outgoing(
            idempotency_key=row["idempotency_key"], network=row["network"], text=row["text"]
        )

    async def after_failure(self, session: AsyncSession, row: dict[str, Any]) -> None:
        """Whatever a final failure of ``row`` also ends, in its transaction."""
        return None


def backoff(attempts: int, settings: Settings) -> float:
    """Seconds before attempt ``attempts + 1``: base, twice that, four times … up to the cap."""
    return float(
        min(
            settings.publish_backoff_max_seconds,
            settings.publish_backoff_base_seconds * 2 ** max(0, attempts - 1),
        )
    )


Lane = tuple[int, str]
"""An event's network: the account that posts for it."""


def is_due(queue: OutboxQueue, now: datetime) -> ColumnElement[bool]:
    """Waiting and its time has come (and what the queue adds), or sending past its
    deadline (the process sending it went away)."""
    table = queue.table
    waiting = ("queued", "retrying")
    return or_(
        and_(
            table.c.status.in_(waiting),
            table.c.next_attempt_at <= now,
            queue.due_also(now),
        ),
        and_(table.c.status == "sending", table.c.next_attempt_at < now),
    )


def due_rows(
    queue: OutboxQueue, now: datetime, limit: int, held: Iterable[Lane], in_flight: set[Lane]
) -> Select[Any]:
    """The ids (and events) of due rows, oldest due first; a ``held`` lane offers its
    oldest due row alone, and nothing while one of its rows is ``in_flight``."""
    table = queue.table
    held = list(held)
    if not held:
        return (
            select(table.c.id, table.c.event_id)
            .where(is_due(queue, now))
            .order_by(table.c.next_attempt_at, table.c.id)
            .limit(limit)
        )
    rank = func.row_number().over(
        partition_by=(table.c.event_id, table.c.network),
        order_by=(table.c.next_attempt_at, table.c.id),
    )
    due = (
        select(table.c.id, table.c.event_id, table.c.network, table.c.next_attempt_at)
        .add_columns(rank.label("rank"))
        .where(is_due(queue, now))
        .subquery()
    )
    offered = [
        or_(due.c.event_id != event_id, due.c.network != network)
        if (event_id, network) in in_flight
        else or_(due.c.event_id != event_id, due.c.network != network, due.c.rank == 1)
        for event_id, network in held
    ]
    return (
        select(due.c.id, due.c.event_id)
        .where(*offered)
        .order_by(due.c.next_attempt_at, due.c.id)
        .limit(limit)
    )
