"""Answering a held mention: the holder's check, the length check, the reply, in one go.

A reply is accepted in one transaction: the fence still holds the mention, the text fits
the network, the reply is stored for the outbox, and the mention becomes ``replied`` (its
claim and draft end), journaled as ``mention.replied``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import mastodon as mastodon_accounts
from app.accounts import service as accounts
from app.auth.models import User
from app.common.errors import Invalid
from app.journal import service as journal
from app.mentions import queries
from app.mentions.models import Mention
from app.networks import eligibility
from app.replies import saved
from app.replies import service as replies
from app.triage import lifecycle


async def reply(
    session: AsyncSession,
    mention_id: int,
    user: User,
    *,
    text: str,
    fence: int,
    mastodon_default_limit: int,
) -> dict[str, Any]:
    """Accept ``user``'s reply to the mention they hold (claim ``fence``) for publishing."""
    event_id = await lifecycle.event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    mention = await lifecycle.check_fence(session, mention_id, user, fence)
    await _check_answerable(session, mention, event_id)
    mastodon = await mastodon_accounts.counting_for_event(session, event_id, mastodon_default_limit)
    replies.check_fits(mention.network, text, mastodon=mastodon)
    public = await replies.queue(
        session,
        event_id=event_id,
        mention_id=mention_id,
        author=user,
        network=mention.network,
        in_reply_to=mention.external_id,
        text=text,
    )
    entry = await lifecycle.answer(
        session, mention_id, user, fence, reply=public, received_at=mention.received_at
    )
    await lifecycle.append(session, event_id, entry)
    return public


async def send_edited(
    session: AsyncSession, reply_id: int, user: User, *, text: str, mastodon_default_limit: int
) -> dict[str, Any]:
    """A failed reply, edited and sent again, counted as the event's Mastodon server does."""
    event_id = await replies.event_of(session, reply_id)
    mastodon = await mastodon_accounts.counting_for_event(session, event_id, mastodon_default_limit)
    return await replies.send_edited(session, reply_id, user, text, mastodon=mastodon)


async def _check_answerable(session: AsyncSession, mention: Mention, event_id: int) -> None:
    """Refuse (422, saying why) what the event's account cannot answer through the API,
    with the account connected now (it may have changed since ingest)."""
    account = await accounts.for_event(session, mention.network, event_id)
    verdict = eligibility.check(
        mention.network, mention.text, mention.reply_context, account.handle if account else None
    )
    if not verdict.ok:
        raise Invalid(
            f"This mention cannot be answered: {verdict.reason}",
            reason=verdict.reason,
            mention_id=mention.id,
        )


async def replies_of(session: AsyncSession, mention_id: int) -> list[dict[str, Any]]:
    """The mention's replies, oldest first; 404 for a mention that does not exist."""
    await lifecycle.event_of(session, mention_id)
    return await replies.list_for_mention(session, mention_id)


async def saved_replies_for(session: AsyncSession, mention_id: int) -> list[dict[str, Any]]:
    """The event's saved replies, filled in for the mention's author; 404 if no mention."""
    row = await queries.get_row(session, mention_id)
    return await saved.list_filled(
        session, row["event_id"], row["author_handle"], row["author_name"]
    )
