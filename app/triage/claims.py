"""Claims as leases: claim, claim next, renew, release, and the fence check for replies.

Who wins a claim is decided by one conditional UPDATE (``... WHERE id = :id AND (nobody
holds it OR the lease is over) AND the mention is still open``): the database applies it to
one claimer and no other, whatever the number of claimers, connections or processes. Every
action first locks the event's journal counter, as every writer does, so the change and its
journal entry commit together and in order.

Each claim takes the next number of the mention's ``claim_fence``; the holder sends it back
with every action, and an action carrying a number that is not the current one (the lease
ran out and someone else claimed, or a producer took over) is refused. A holder's lease
counts until its end: after it, the holder's actions are refused even if nobody has claimed
the mention yet, so what a holder may do never depends on when the sweeper last ran.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import PRODUCER_ROLES
from app.auth.models import User
from app.common.errors import Forbidden, NotFound
from app.common.time import isoformat_z, utcnow
from app.journal import service as journal
from app.mentions import queries
from app.mentions.models import FINAL_STATES, Mention, MentionState
from app.mentions.service import holder_dict
from app.triage import errors
from app.triage.sql import affected

mention_table = Mention.__table__  # type: ignore[attr-defined]
CLAIMED = MentionState.claimed.value
NEW = MentionState.new.value

# "Claim next" tries this many candidates per round, and this many rounds, before giving
# up on a queue that others keep emptying under it.
_NEXT_CANDIDATES = 5
_NEXT_ROUNDS = 3


def _holder(user: User) -> dict[str, str]:
    return holder_dict(user.username, user.display_name)


async def event_of(session: AsyncSession, mention_id: int) -> int:
    """The mention's event (to lock its counter), or 404."""
    result = await session.execute(
        select(mention_table.c.event_id).where(mention_table.c.id == mention_id)
    )
    event_id = result.scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Mention {mention_id} does not exist.", mention_id=mention_id)
    return int(event_id)


async def lock_mention(session: AsyncSession, mention_id: int) -> tuple[int, dict[str, Any]]:
    """Lock the counter of the mention's event, then read the mention: (event_id, row)."""
    event_id = await event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    return event_id, await queries.get_row(session, mention_id)


def is_live(row: dict[str, Any], now: datetime) -> bool:
    return row["claimed_by_id"] is not None and row["lease_until"] >= now


def require_holder(row: dict[str, Any], user: User, fence: int, now: datetime) -> None:
    """Refuse (409) unless ``user`` holds the live claim numbered ``fence``."""
    if row["state"] in FINAL_STATES:
        raise errors.finished(row)
    if (
        row["claimed_by_id"] == user.id
        and row["claim_fence"] == fence
        and row["state"] == CLAIMED
        and row["lease_until"] >= now
    ):
        return
    raise errors.claim_gone(row, user.id or 0, fence)


def _held_by_caller(user: User, fence: int, now: datetime) -> list[ColumnElement[bool]]:
    """The conditions of a holder's own write, checked again by the UPDATE itself."""
    return [
        mention_table.c.claimed_by_id == user.id,
        mention_table.c.claim_fence == fence,
        mention_table.c.state == CLAIMED,
        mention_table.c.lease_until >= now,
    ]


async def _grab(
    session: AsyncSession,
    mention_id: int,
    user: User,
    now: datetime,
    lease: timedelta,
    conditions: list[ColumnElement[bool]],
) -> int | None:
    """The conditional UPDATE that hands out a claim; the new fence, or None if lost."""
    result = await session.execute(
        update(mention_table)
        .where(mention_table.c.id == mention_id, *conditions)
        .values(
            claimed_by_id=user.id,
            claim_fence=mention_table.c.claim_fence + 1,
            claimed_at=now,
            lease_until=now + lease,
            claim_draft=None,
            state=CLAIMED,
        )
        .returning(mention_table.c.claim_fence)
    )
    fence = result.scalar_one_or_none()
    return None if fence is None else int(fence)


def _free(now: datetime) -> list[ColumnElement[bool]]:
    """Open, and nobody holds a live claim on it."""
    return [
        mention_table.c.state.not_in(FINAL_STATES),
        or_(mention_table.c.claimed_by_id.is_(None), mention_table.c.lease_until < now),
    ]


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


async def _journal_claimed(
    session: AsyncSession,
    event_id: int,
    mention_id: int,
    user: User,
    fence: int,
    lease_until: datetime,
    taken_over_from: dict[str, str] | None = None,
) -> None:
    data: dict[str, Any] = {
        "mention_id": mention_id,
        "holder": _holder(user),
        "fence": fence,
        "lease_until": isoformat_z(lease_until),
    }
    if taken_over_from is not None:
        data["taken_over_from"] = taken_over_from
    await journal.append(session, event_id, "mention.claimed", data, user.username)


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
    if take_over and user.role not in PRODUCER_ROLES:
        raise Forbidden(
            f"Only a producer or an admin can take over a claim; your role is {user.role}."
        )
    event_id = await event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    now = utcnow()
    lease = timedelta(seconds=lease_seconds)
    fence = await _grab(session, mention_id, user, now, lease, _free(now))
    previous: dict[str, str] | None = None
    if fence is None:
        row = await queries.get_row(session, mention_id)
        if row["state"] in FINAL_STATES:
            raise errors.finished(row)
        if row["claimed_by_id"] == user.id:
            return (await _grants(session, [row]))[0]
        if not take_over:
            raise errors.held_by(row)
        previous = holder_dict(row["holder_username"], row["holder_display_name"])
        # Conditional on the claim just read, so the journal names the holder really ended.
        fence = await _grab(
            session,
            mention_id,
            user,
            now,
            lease,
            [mention_table.c.claim_fence == row["claim_fence"], mention_table.c.state == CLAIMED],
        )
        if fence is None:  # pragma: no cover - only a writer skipping the counter lock
            raise errors.held_by(await queries.get_row(session, mention_id))
    await _journal_claimed(session, event_id, mention_id, user, fence, now + lease, previous)
    return await grant_dict(session, mention_id)


async def claim_next(
    session: AsyncSession, event_id: int, user: User, *, lease_seconds: float
) -> dict[str, Any]:
    """Claim the event's best waiting mention: highest priority, then oldest; 404 if none."""
    await journal.lock_counter(session, event_id)
    lease = timedelta(seconds=lease_seconds)
    for _round in range(_NEXT_ROUNDS):
        now = utcnow()
        result = await session.execute(
            select(mention_table.c.id)
            .where(mention_table.c.event_id == event_id, mention_table.c.state == NEW)
            .order_by(mention_table.c.priority.desc(), mention_table.c.seq.asc())
            .limit(_NEXT_CANDIDATES)
        )
        candidates = list(result.scalars())
        if not candidates:
            break
        for mention_id in candidates:
            # Same rule as a claim: a claimer who got there first wins, we try the next one.
            fence = await _grab(session, mention_id, user, now, lease, _free(now))
            if fence is not None:
                await _journal_claimed(session, event_id, mention_id, user, fence, now + lease)
                return await grant_dict(session, mention_id)
    raise NotFound(
        f"Nothing is waiting in event {event_id}'s queue: every mention is claimed, "
        "answered or dismissed.",
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
    """Extend the holder's lease and save their draft (``None`` leaves it as it is).

    The lease end only moves when it moves by at least ``step_seconds``, and only then is
    the renewal journaled: consoles renewing every few seconds while their operator types
    would otherwise fill the journal. The stored lease end is therefore always the one the
    journal last announced, and the holder always keeps at least lease - step.
    """
    event_id, row = await lock_mention(session, mention_id)
    now = utcnow()
    require_holder(row, user, fence, now)
    values: dict[str, Any] = {}
    new_until = now + timedelta(seconds=lease_seconds)
    moves = (new_until - row["lease_until"]).total_seconds() >= step_seconds
    if moves:
        values["lease_until"] = new_until
    if draft is not None:
        values["claim_draft"] = draft
    if values:
        changed = await affected(
            session,
            update(mention_table)
            .where(mention_table.c.id == mention_id, *_held_by_caller(user, fence, now))
            .values(**values),
        )
        if changed != 1:  # pragma: no cover - only a writer skipping the counter lock
            raise errors.claim_gone(await queries.get_row(session, mention_id), user.id or 0, fence)
    if moves:
        await journal.append(
            session,
            event_id,
            "mention.renewed",
            {
                "mention_id": mention_id,
                "holder": _holder(user),
                "fence": fence,
                "lease_until": isoformat_z(new_until),
            },
            user.username,
        )
    return await grant_dict(session, mention_id)


async def release(session: AsyncSession, mention_id: int, user: User, fence: int) -> dict[str, Any]:
    """The holder lets the mention go back to the queue (state ``new``)."""
    event_id, row = await lock_mention(session, mention_id)
    now = utcnow()
    require_holder(row, user, fence, now)
    changed = await affected(
        session,
        update(mention_table)
        .where(mention_table.c.id == mention_id, *_held_by_caller(user, fence, now))
        .values(claimed_by_id=None, lease_until=None, claim_draft=None, state=NEW),
    )
    if changed != 1:  # pragma: no cover - only a writer skipping the counter lock
        raise errors.claim_gone(await queries.get_row(session, mention_id), user.id or 0, fence)
    await journal.append(
        session,
        event_id,
        "mention.released",
        {"mention_id": mention_id, "holder": _holder(user), "fence": fence},
        user.username,
    )
    return await queries.get_public(session, mention_id)


async def check_fence(session: AsyncSession, mention_id: int, user: User, fence: int) -> Mention:
    """The mention, if ``user`` holds its live claim numbered ``fence``; else 409 (or 404).

    For actions that need the claim, such as replying. Call it after locking the event's
    journal counter (:func:`app.journal.service.lock_counter`, which every writer takes
    first) and make the change in the same transaction: nobody can then claim the mention
    between the check and the change.
    """
    row = await queries.get_row(session, mention_id)
    require_holder(row, user, fence, utcnow())
    mention = await session.get(Mention, mention_id, with_for_update=True, populate_existing=True)
    if mention is None:  # pragma: no cover - read just above, in this transaction
        raise NotFound(f"Mention {mention_id} does not exist.", mention_id=mention_id)
    return mention


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
