"""Replies in the outbox (app/publish/outbox.py): each answers its mention's post."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.publish.outbox import Outbox
from app.publish.publishers import Outgoing, Publishers
from app.publish.queue import OutboxQueue, backoff
from app.replies import service as replies
from app.replies import views

__all__ = ["REPLY_QUEUE", "ReplyOutbox", "ReplyQueue", "backoff"]


class ReplyQueue(OutboxQueue):
    noun = "reply"
    table = views.reply_table

    async def public(self, session: AsyncSession, row_id: int) -> dict[str, Any]:
        return await replies.get_public(session, row_id)

    async def outgoing(self, session: AsyncSession, row: dict[str, Any]) -> Outgoing:
        # The answered post's address: a network may look it up on its own server first.
        url = await session.scalar(
            select(views.mention_url.c.url).where(views.mention_url.c.id == row["mention_id"])
        )
        return Outgoing(
            idempotency_key=row["idempotency_key"],
            network=row["network"],
            text=row["text"],
            in_reply_to=row["in_reply_to"],
            in_reply_to_url=url,
            resend=row["attempts"] > 1 or row["last_error"] is not None,
            created_at=row["created_at"],
        )


REPLY_QUEUE = ReplyQueue()


def ReplyOutbox(db: Database, settings: Settings, publishers: Publishers) -> Outbox:
    """An outbox that publishes replies only (what a second worker in the tests runs)."""
    return Outbox(db, settings, publishers, [REPLY_QUEUE])
