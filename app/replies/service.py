"""Replies: the length check, the outbox row, sending a failed one again.

A reply is accepted (:mod:`app.triage.replying`) in the transaction that answers its
mention, and stored here with a fresh idempotency key. Publishing happens after the
commit, from the outbox (app/publish/outbox.py), so a slow or failing network never holds
the operator's request and nothing accepted is lost.
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
from app.publish.outbox import OUTBOX_WAKER, may_have_posted
from app.replies.access import require_author_or_producer
from app.replies.length import MastodonCounting, check_length
from app.replies.models import ReplyStatus
from app.replies.views import public_dict, reply_table, with_author


def _wake_outbox_after_commit(session: AsyncSession) -> None:
    """A reply just queued is sent at once, not at the outbox's next poll."""
    database = database_of(session)
    if database is not None:
        database.wake_after_commit(session, OUTBOX_WAKER)


NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


async def event_of(session: AsyncSession, reply_id: int) -> int:
    """The reply's event (404 for no such reply)."""
    result = await session.execute(
        select(reply_table.c.event_id).where(reply_table.c.id == reply_id)
    )
    event_id = result.scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Reply {reply_id} does not exist.", reply_id=reply_id)
    return int(event_id)


async def get_row(session: AsyncSession, reply_id: int) -> dict[str, Any]:
    result = await session.execute(with_author().where(reply_table.c.id == reply_id))
    row = result.mappings().one_or_none()
    if row is None:
        raise NotFound(f"Reply {reply_id} does not exist.", reply_id=reply_id)
    return dict(row)


async def get_public(session: AsyncSession, reply_id: int) -> dict[str, Any]:
    return public_dict(await get_row(session, reply_id))


def check_fits(network: str, text: str, *, mastodon: MastodonCounting) -> None:
    """Refuse (422, saying by how much) a text that the network would not take."""
    checked = check_length(
        network, text, mastodon_limit=mastodon.max_characters,
        mastodon_url_length=mastodon.characters_reserved_per_url,
    )  # fmt: skip
    if not checked.valid:
        name = NETWORK_NAMES.get(network, network)
        raise Invalid(
            f"The reply cannot go to {name}: {checked.reason}.",
            network=network,
            length=checked.length,
            limit=checked.limit,
            over_by=max(0, -checked.remaining),
        )


async def queue(
    session: AsyncSession,
    *,
    event_id: int,
    mention_id: int,
    author: User,
    network: str,
    in_reply_to: str,
    text: str,
) -> dict[str, Any]:
    """Store a reply for the outbox to publish, with a fresh idempotency key, and wake the
    outbox once the transaction commits; returns the reply's public shape."""
    now = utcnow()
    result = await session.execute(
        reply_table.insert()
        .values(
            event_id=event_id,
            mention_id=mention_id,
            author_id=author.id,
            network=network,
            in_reply_to=in_reply_to,
            text=text,
            idempotency_key=uuid.uuid4().hex,
            status=ReplyStatus.queued.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .returning(reply_table.c.id)
    )
    public = await get_public(session, int(result.scalar_one()))
    _wake_outbox_after_commit(session)
    return public


async def retry(session: AsyncSession, reply_id: int, user: User) -> dict[str, Any]:
    """Send a failed reply again now (or a retrying one without waiting), same key.

    Its author or a producer may (403 for anyone else)."""
    event_id = await event_of(session, reply_id)
    await journal.lock_counter(session, event_id)
    row = await get_row(session, reply_id)
    author = row["author_display_name"] or row["author_username"]
    require_author_or_producer(user, row["author_id"], author, "send this reply again")
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


async def send_edited(
    session: AsyncSession,
    reply_id: int,
    user: User,
    text: str,
    *,
    mastodon: MastodonCounting,
) -> dict[str, Any]:
    """Send a failed reply again with a new text: one the network refused (too long, a
    duplicate, a forbidden word) is edited, not only retried. A reply the network refused
    cannot have been posted, so it takes a new idempotency key; one whose attempts ran out
    unanswered, or one still retrying, may have been, and is refused (409: Retry sends it
    with its key). Its author or a producer may."""
    event_id = await event_of(session, reply_id)
    await journal.lock_counter(session, event_id)
    row = await get_row(session, reply_id)
    author = row["author_display_name"] or row["author_username"]
    require_author_or_producer(user, row["author_id"], author, "edit this reply")
    if row["status"] != ReplyStatus.failed:
        raise Conflict(
            f"Reply {reply_id} is {row['status']}; only a failed reply can be edited (one "
            "being retried may still reach the network).",
            status=row["status"],
        )
    if may_have_posted(row["last_error"]):
        raise Conflict(
            f"Reply {reply_id} failed after its attempts went unanswered: it may have been "
            "posted. Retry sends it again with its key, which cannot post it twice.",
            status=row["status"],
        )
    check_fits(row["network"], text, mastodon=mastodon)
    await session.execute(
        update(reply_table)
        .where(reply_table.c.id == reply_id)
        .values(
            text=text,
            idempotency_key=uuid.uuid4().hex,
            status=ReplyStatus.queued.value,
            attempts=0,
            last_error=None,
            next_attempt_at=utcnow(),
        )
    )
    public = await get_public(session, reply_id)
    await journal.append(
        session, event_id, "reply.requeued", {"reply": public, "edited": True}, user.username
    )
    _wake_outbox_after_commit(session)
    return public


async def list_for_mention(session: AsyncSession, mention_id: int) -> list[dict[str, Any]]:
    """The mention's replies, oldest first."""
    result = await session.execute(
        with_author().where(reply_table.c.mention_id == mention_id).order_by(reply_table.c.id)
    )
    return [public_dict(dict(row)) for row in result.mappings()]
