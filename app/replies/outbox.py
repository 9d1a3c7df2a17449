"""Replies in the outbox (app/publish/outbox.py): each answers its mention's post."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.publish.outbox import Outbox, OutboxQueue, backoff
from app.publish.publishers import Outgoing, Publishers
from app.replies import service as replies
from app.replies import views

__all__ = ["REPLY_QUEUE", "ReplyOutbox", "ReplyQueue", "backoff"]


class ReplyQueue(OutboxQueue):
    noun = "reply"
    table = views.reply_table

    async def public(self, session: AsyncSession, row_id: int) -> dict[str, Any]:
        return await replies.get_public(session, row_id)

    async def outgoing(self, session: AsyncSession, row: dict[str, Any]) -> Outgoing:
        return Outgoing(
            idempotency_key=row["idempotency_key"],
            network=row["network"],
            text=row["text"],
            in_reply_to=row["in_reply_to"],
        )


REPLY_QUEUE = ReplyQueue()


def ReplyOutbox(db: Database, settings: Settings, publishers: Publishers) -> Outbox:
    """An outbox that publishes replies only (what a second worker in the tests runs)."""
    return Outbox(db, settings, publishers, [REPLY_QUEUE])
