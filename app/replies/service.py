"""Replying to a mention: the holder's check, the length check, and the outbox row.

A reply is accepted in one transaction: the fence still holds the mention, the text fits
the network, the mention becomes ``replied`` (its claim and draft end), and the reply is
stored with a fresh idempotency key and journaled (``mention.replied``). Publishing happens
after the commit, from the outbox (app/replies/outbox.py), so a slow or failing network
never holds the operator's request and nothing accepted is lost.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.common.errors import Conflict, Invalid, NotFound
from app.common.sql import affected
from app.common.time import utcnow
from app.db import database_of
from app.journal import service as journal
from app.replies.length import check_length
from app.replies.models import ReplyStatus
from app.replies.views import public_dict, reply_table, with_author
from app.triage import lifecycle

# The name the outbox registers its wake-up under (Database.wakers).
OUTBOX_WAKER = "outbox"


def _wake_outbox_after_commit(session: AsyncSession) -> None:
    """A reply just queued is sent at once, not at the outbox's next poll."""
    database = database_of(session)
    if database is not None:
        database.wake_after_commit(session, OUTBOX_WAKER)


NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


async def get_row(session: AsyncSession, reply_id: int) -> dict[str, Any]:
    result = await session.execute(with_author().where(reply_table.c.id == reply_id))
    row = result.mappings().one_or_none()
    if row is None:
        raise NotFound(f"Reply {reply_id} does not exist.", reply_id=reply_id)
    return dict(row)


async def get_public(session: AsyncSession, reply_id: int) -> dict[str, Any]:
    return public_dict(await get_row(session, reply_id))


async def reply(
    session: AsyncSession,
    mention_id: int,
    user: User,
    *,
    text: str,
    fence: int,
    mastodon_limit: int,
) -> dict[str, Any]:
    """Accept ``user``'s reply to the mention they hold (claim ``fence``) for publishing."""
    event_id = await lifecycle.event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    mention = await lifecycle.check_fence(session, mention_id, user, fence)
    checked = check_length(mention.network, text, mastodon_limit=mastodon_limit)
    if not checked.valid:
        network = NETWORK_NAMES.get(mention.network, mention.network)
        raise Invalid(
            f"The reply cannot go to {network}: {checked.reason}.",
            network=mention.network,
            length=checked.length,
            limit=checked.limit,
            over_by=max(0, -checked.remaining),
        )
    now = utcnow()
    result = await session.execute(
        reply_table.insert()
        .values(
            event_id=event_id,
            mention_id=mention_id,
            author_id=user.id,
            network=mention.network,
            in_reply_to=mention.external_id,
            text=text,
            idempotency_key=uuid.uuid4().hex,
            status=ReplyStatus.queued.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .returning(reply_table.c.id)
    )
    reply_id = int(result.scalar_one())
    public = await get_public(session, reply_id)
    entry = await lifecycle.answer(session, mention_id, user, fence, reply=public)
    await lifecycle.append(session, event_id, entry)
    _wake_outbox_after_commit(session)
    return public


async def retry(session: AsyncSession, reply_id: int, user: User) -> dict[str, Any]:
    """Send a failed reply again now (or a retrying one without waiting), same key."""
    result = await session.execute(
        select(reply_table.c.event_id).where(reply_table.c.id == reply_id)
    )
    event_id = result.scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Reply {reply_id} does not exist.", reply_id=reply_id)
    await journal.lock_counter(session, event_id)
    row = await get_row(session, reply_id)
    if row["status"] not in (ReplyStatus.failed, ReplyStatus.retrying):
        raise Conflict(
            f"Reply {reply_id} is {row['status']}; only a failed or retrying reply can be "
            "sent again.",
            status=row["status"],
        )
    changed = await affected(
        session,
        update(reply_table)
        .where(reply_table.c.id == reply_id, reply_table.c.status == row["status"])
        .values(status=ReplyStatus.queued.value, attempts=0, next_attempt_at=utcnow()),
    )
    if changed != 1:  # pragma: no cover - the status was read under the counter lock
        raise Conflict(f"Reply {reply_id} changed meanwhile; look again.")
    public = await get_public(session, reply_id)
    await journal.append(session, event_id, "reply.requeued", {"reply": public}, user.username)
    _wake_outbox_after_commit(session)
    return public


async def list_for_mention(session: AsyncSession, mention_id: int) -> list[dict[str, Any]]:
    await lifecycle.event_of(session, mention_id)  # 404 for a mention that does not exist
    result = await session.execute(
        with_author().where(reply_table.c.mention_id == mention_id).order_by(reply_table.c.id)
    )
    return [public_dict(dict(row)) for row in result.mappings()]
