"""Posts in the outbox (app/publish/outbox.py).

A post of a thread is due only once the post before it (same draft, firing and network,
the previous ``thread_index``) is published, and goes out as an answer to that post's
external id; when a post fails for good, the rest of its thread is failed with it (they
cannot be threaded under a post that does not exist), each journaled ``post.failed``.

Each post carries its own images (``attachment_ids``, any post of a thread), read from
the drafts' attachments and their files under the data folder; a file gone from there
fails the post for good, saying which image, rather than retrying what cannot succeed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.drafts import attachments
from app.journal import service as journal
from app.posts import service as posts
from app.posts.models import PostStatus
from app.posts.views import post_table, public_dict
from app.publish.publishers import Outgoing, OutgoingImage, missing_image
from app.publish.queue import OutboxQueue

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

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir

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
        images, refused = await self._images(session, row)
        return Outgoing(
            idempotency_key=row["idempotency_key"],
            network=row["network"],
            text=row["text"],
            in_reply_to=in_reply_to,
            # Like a reply's: an attempt after one that may have posted looks first (X),
            # and every attempt writes the same record (Bluesky's key is from this time).
            resend=row["attempts"] > 1 or row["last_error"] is not None,
            created_at=row["created_at"],
            images=images,
            refused=refused,
        )

    async def _images(
        self, session: AsyncSession, row: dict[str, Any]
    ) -> tuple[tuple[OutgoingImage, ...], str | None]:
        """The post's images in order, and why it cannot be sent if one is gone."""
        ids = [int(i) for i in row["attachment_ids"] or []]
        found = await attachments.of_event(session, row["event_id"], set(ids))
        images: list[OutgoingImage] = []
        for attachment_id in ids:
            attachment = found.get(attachment_id)
            if attachment is None:
                return (), f"Not sent: image {attachment_id} no longer exists."
            path = attachments.stored_path(self._data_dir, attachment.sha256)
            if not await asyncio.to_thread(path.is_file):
                return (), missing_image(attachment_id, path)
            images.append(
                OutgoingImage(
                    attachment_id=attachment_id,
                    path=path,
                    media_type=attachment.media_type,
                    alt_text=attachment.alt_text,
                    size=attachment.size,
                    width=attachment.width,
                    height=attachment.height,
                )
            )
        return tuple(images), None

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
