"""What the outbox (app/publish/outbox.py) publishes: each kind of row is an
:class:`OutboxQueue` (replies: app/replies/outbox.py; posts: app/posts/outbox.py), and
how long a transient failure waits before the next attempt."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, true
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
