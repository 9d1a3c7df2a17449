"""Claims as leases: claim, claim next, renew, release, and what a holder sees of a claim.

Who wins a claim is decided by one conditional UPDATE (``... WHERE id = :id AND (nobody
holds it OR the lease is over) AND the mention is still open``): the database applies it to
one claimer and no other, whatever the number of claimers, connections or processes. Every
action first locks the event's journal counter, as every writer does, so the change and its
journal entry commit together and in order. The transitions themselves, and the fence that
refuses a holder whose claim ended, are in :mod:`app.triage.lifecycle`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.errors import NotFound
from app.common.time import isoformat_z, utcnow
from app.journal import service as journal
from app.mentions import queries
from app.mentions.models import FINAL_STATES, Mention, MentionState
from app.triage import errors, lifecycle

mention_table = Mention.__table__  # type: ignore[attr-defined]
CLAIMED = MentionState.claimed.value
NEW = MentionState.new.value

# "Claim next" tries this many candidates per round, and this many rounds, before giving
# up on a queue that others keep emptying under it.
_NEXT_CANDIDATES = 5
_NEXT_ROUNDS = 3


async def grant_dict(session: AsyncSession, mention_id: int) -> dict[str, Any]:
    """The holder's view of a claim: the mention, the fence, the lease and the saved draft."""
    return (await _grants(session, [await queries.get_row(session, mention_id)]))[0]


async def _grants(session: AsyncSession, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    mentions = await queries.public_many(session, rows)
    return [_grant(row, mention) for row, mention in zip(rows, mentions, strict=True)]


def _grant(row: dict[str, Any], mention: dict[str, Any]) -> dict[str, Any]:
    return {
        "mention": mention,
        "holder": holder_dict(row["holder_username"], row["holder_display_name"]),
        "fence": row["claim_fence"],
        "lease_until": isoformat_z(row["lease_until"]),
        "draft": row["claim_draft"],
    }


async def claim(
    session: AsyncSession,
    mention_id: int,
    user: User,
    *,
    lease_seconds: float,
    take_over: bool = False,
) -> dict[str, Any]:
    """Give ``user`` a lease on the mention, or refuse (409) naming who holds it.

    Claiming a mention one already holds answers the current claim (with its draft), so a
    reloaded console gets its fence back. ``take_over`` (producers and admins) ends another
    holder's live claim and records them in the journal entry.
    """
    if take_over:
        lifecycle.require_may_take_over(user)
    event_id = await lifecycle.event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    now = utcnow()
    lease = timedelta(seconds=lease_seconds)
    entry = await lifecycle.claim(session, mention_id, user, now=now, lease=lease)
    if entry is None:
        row = await queries.get_row(session, mention_id)
        if row["state"] in FINAL_STATES:
            raise errors.finished(row)
        if row["claimed_by_id"] == user.id:
            return (await _grants(session, [row]))[0]
        if not take_over:
            raise errors.held_by(row)
        entry = await lifecycle.take_over(session, row, user, now=now, lease=lease)
    await lifecycle.append(session, event_id, entry)
    return await grant_dict(session, mention_id)


async def claim_next(
    session: AsyncSession,
    event_id: int,
    user: User,
    *,
    lease_seconds: float,
    answerable_only: bool = False,
) -> dict[str, Any]:
    """Claim the event's best waiting mention: highest priority, then oldest; 404 if none.
    Only a flood group's head or a mention alone is offered, never a member (docs/floods.md):
    the head stands for its group, waiting, held or answered. ``answerable_only`` skips what
    the desk's account cannot answer (as known at ingest)."""
    await journal.lock_counter(session, event_id)
    lease = timedelta(seconds=lease_seconds)
    for _round in range(_NEXT_ROUNDS):
        now = utcnow()
        waiting = select(mention_table.c.id).where(
            mention_table.c.event_id == event_id,
            mention_table.c.state == NEW,
            mention_table.c.cluster_id.is_(None),
        )
        if answerable_only:
            waiting = waiting.where(mention_table.c.reply_blocked.is_(None))
        result = await session.execute(
            waiting.order_by(mention_table.c.priority.desc(), mention_table.c.seq.asc()).limit(
                _NEXT_CANDIDATES
            )
        )
        candidates = list(result.scalars())
        if not candidates:
            break
        for mention_id in candidates:
            # Same rule as a claim: a claimer who got there first wins, we try the next one.
            entry = await lifecycle.claim(session, mention_id, user, now=now, lease=lease)
            if entry is not None:
                await lifecycle.append(session, event_id, entry)
                return await grant_dict(session, mention_id)
    raise NotFound(
        f"Nothing is waiting in event {event_id}'s queue: every mention is claimed, "
        "answered or dismissed, or is a copy in a flood group whose first post is.",
        event_id=event_id,
    )


async def renew(
    session: AsyncSession,
    mention_id: int,
    user: User,
    fence: int,
    *,
    draft: str | None,
    lease_seconds: float,
    step_seconds: float,
) -> dict[str, Any]:
    """Extend the holder's lease and save their draft (``None`` leaves it as it is); the
    lease end moves, and is journaled, only by ``step_seconds`` or more."""
    event_id, row = await lifecycle.lock_mention(session, mention_id)
    entry = await lifecycle.renew(
        session,
        row,
        user,
        fence,
        now=utcnow(),
        lease=timedelta(seconds=lease_seconds),
        step=timedelta(seconds=step_seconds),
        draft=draft,
    )
    if entry is not None:
        await lifecycle.append(session, event_id, entry)
    return await grant_dict(session, mention_id)


async def release(session: AsyncSession, mention_id: int, user: User, fence: int) -> dict[str, Any]:
    """The holder lets the mention go back to the queue (state ``new``)."""
    event_id, row = await lifecycle.lock_mention(session, mention_id)
    entry = await lifecycle.release(session, row, user, fence, now=utcnow())
    await lifecycle.append(session, event_id, entry)
    return await queries.get_public(session, mention_id)


async def my_claims(session: AsyncSession, event_id: int, user: User) -> list[dict[str, Any]]:
    """The live claims ``user`` holds in the event, soonest lease end first, with drafts."""
    now = utcnow()
    result = await session.execute(
        queries.with_holder()
        .where(
            mention_table.c.event_id == event_id,
            mention_table.c.claimed_by_id == user.id,
            mention_table.c.state == CLAIMED,
            mention_table.c.lease_until >= now,
        )
        .order_by(mention_table.c.lease_until, mention_table.c.id)
    )
    return await _grants(session, [dict(row) for row in result.mappings()])
