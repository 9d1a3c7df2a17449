"""Posts in the outbox (app/publish/outbox.py).

A post of a thread is due only once the post before it (same draft, firing and network,
the previous ``thread_index``) is published, and goes out as an answer to that post's
external id; when a post fails for good, the rest of its thread is failed with it (they
cannot be threaded under a post that does not exist), each journaled ``post.failed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.journal import service as journal
from app.posts import service as posts
from app.posts.models import PostStatus
from app.posts.views import post_table, public_dict
from app.publish.outbox import OutboxQueue
from app.publish.publishers import Outgoing

_parent = post_table.alias("parent_post")


def _same_thread(parent: Any, post: Any) -> ColumnElement[bool]:
    return and_(
        parent.c.draft_id == post.c.draft_id,
        parent.c.cue_firing == post.c.cue_firing,
        parent.c.network == post.c.network,
        parent.c.thread_index == post.c.thread_index - 1,
    )


class PostQueue(OutboxQueue):
    noun = "post"
    table = post_table

    def due_also(self, now: datetime) -> ColumnElement[bool]:
        parent_published = exists().where(
            _same_thread(_parent, post_table), _parent.c.status == PostStatus.published.value
        )
        return or_(post_table.c.thread_index == 0, parent_published)

    async def public(self, session: AsyncSession, row_id: int) -> dict[str, Any]:
        return await posts.get_public(session, row_id)

    async def public_of(self, session: AsyncSession, row: dict[str, Any]) -> dict[str, Any]:
        return public_dict(row)

    async def outgoing(self, session: AsyncSession, row: dict[str, Any]) -> Outgoing:
        in_reply_to = None
        if row["thread_index"] > 0:
            result = await session.execute(
                select(post_table.c.external_id).where(
                    post_table.c.draft_id == row["draft_id"],
                    post_table.c.cue_firing == row["cue_firing"],
                    post_table.c.network == row["network"],
                    post_table.c.thread_index == row["thread_index"] - 1,
                )
            )
            in_reply_to = result.scalar_one()
        return Outgoing(
            idempotency_key=row["idempotency_key"],
            network=row["network"],
            text=row["text"],
            in_reply_to=in_reply_to,
        )

    async def after_failure(self, session: AsyncSession, row: dict[str, Any]) -> None:
        if row["draft_id"] is None:
            return
        result = await session.execute(
            select(post_table.c.id, post_table.c.thread_index)
            .where(
                post_table.c.draft_id == row["draft_id"],
                post_table.c.cue_firing == row["cue_firing"],
                post_table.c.network == row["network"],
                post_table.c.thread_index > row["thread_index"],
                post_table.c.status == PostStatus.queued.value,
            )
            .order_by(post_table.c.thread_index)
        )
        for post_id, _index in result.all():
            await session.execute(
                update(post_table)
                .where(post_table.c.id == post_id, post_table.c.status == PostStatus.queued.value)
                .values(
                    status=PostStatus.failed.value,
                    next_attempt_at=None,
                    last_error=(
                        f"not sent: post {row['thread_index'] + 1} of the thread, which it "
                        "answers, failed"
                    ),
                )
            )
            public = await posts.get_public(session, post_id)
            await journal.append(session, row["event_id"], "post.failed", {"post": public})


POST_QUEUE = PostQueue()
