"""The mention's lifecycle: the one module that changes a mention's state and its claim.

    new ──claim──▶ claimed ──release, expire──▶ new
    claimed ──renew (same fence), take over (the next fence)──▶ claimed
    claimed ──answer──▶ replied                    (final)
    new or claimed ──dismiss──▶ dismissed          (final)

Each transition is one UPDATE conditional on what it requires (the state it leaves, the
holder, the fence, the lease), so it changes the row only while that still holds, and it
returns the journal entry that tells everyone what changed; the caller appends it in the
same transaction. Callers lock the event's journal counter first (:func:`lock_mention`),
as every writer does, so what they read under it still holds when the UPDATE runs.

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
from app.auth.people import holder_dict
from app.common.errors import Conflict, Forbidden, NotFound
from app.common.sql import affected
from app.common.time import isoformat_z, utcnow
from app.journal import service as journal
from app.journal.service import NewEntry
from app.mentions import queries
from app.mentions.models import FINAL_STATES, Mention, MentionState
from app.triage import errors

mention_table = Mention.__table__  # type: ignore[attr-defined]
CLAIMED = MentionState.claimed.value
NEW = MentionState.new.value
# What ending a claim writes, whichever way it ends.
_NO_CLAIM: dict[str, Any] = {"claimed_by_id": None, "lease_until": None, "claim_draft": None}


def _holder(user: User) -> dict[str, str]:
    return holder_dict(user.username, user.display_name)


def _row_holder(row: dict[str, Any]) -> dict[str, str]:
    return holder_dict(row["holder_username"], row["holder_display_name"])


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


def require_may_take_over(user: User) -> None:
    """Refuse (403) unless ``user`` may end someone else's claim: producers and admins."""
    if user.role not in PRODUCER_ROLES:
        raise Forbidden(
            f"Only a producer or an admin can take over a claim; your role is {user.role}."
        )


def _held_by_caller(user: User, fence: int, now: datetime) -> list[ColumnElement[bool]]:
    """The conditions of a holder's own write, checked again by the UPDATE itself."""
    return [
        mention_table.c.claimed_by_id == user.id,
        mention_table.c.claim_fence == fence,
        mention_table.c.state == CLAIMED,
        mention_table.c.lease_until >= now,
    ]


def _free(now: datetime) -> list[ColumnElement[bool]]:
    """Open, and nobody holds a live claim on it."""
    return [
        mention_table.c.state.not_in(FINAL_STATES),
        or_(mention_table.c.claimed_by_id.is_(None), mention_table.c.lease_until < now),
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


def _claimed(
    mention_id: int,
    user: User,
    fence: int,
    lease_until: datetime,
    taken_over_from: dict[str, str] | None = None,
) -> NewEntry:
    data: dict[str, Any] = {
        "mention_id": mention_id,
        "holder": _holder(user),
        "fence": fence,
        "lease_until": isoformat_z(lease_until),
    }
    if taken_over_from is not None:
        data["taken_over_from"] = taken_over_from
    return NewEntry("mention.claimed", data, user.username)


async def claim(
    session: AsyncSession, mention_id: int, user: User, *, now: datetime, lease: timedelta
) -> NewEntry | None:
    """new (or a claim past its lease) → claimed by ``user``; None if someone else got it
    first or the mention is answered or dismissed."""
    fence = await _grab(session, mention_id, user, now, lease, _free(now))
    return None if fence is None else _claimed(mention_id, user, fence, now + lease)


async def take_over(
    session: AsyncSession, row: dict[str, Any], user: User, *, now: datetime, lease: timedelta
) -> NewEntry:
    """A producer or admin ends the live claim ``row`` shows and claims the mention; the
    entry names the holder whose claim ended."""
    require_may_take_over(user)
    if row["state"] != CLAIMED:  # pragma: no cover - callers take over a live claim only
        raise errors.finished(row)
    # Conditional on the claim read, so the journal names the holder really ended.
    same_claim = [
        mention_table.c.claim_fence == row["claim_fence"],
        mention_table.c.state == CLAIMED,
    ]
    fence = await _grab(session, row["id"], user, now, lease, same_claim)
    if fence is None:  # pragma: no cover - only a writer skipping the counter lock
        raise errors.held_by(await queries.get_row(session, row["id"]))
    return _claimed(row["id"], user, fence, now + lease, _row_holder(row))


async def _write_as_holder(
    session: AsyncSession, row: dict[str, Any], user: User, fence: int, now: datetime, **values: Any
) -> None:
    changed = await affected(
        session,
        update(mention_table)
        .where(mention_table.c.id == row["id"], *_held_by_caller(user, fence, now))
        .values(**values),
    )
    if changed != 1:  # pragma: no cover - only a writer skipping the counter lock
        raise errors.claim_gone(await queries.get_row(session, row["id"]), user.id or 0, fence)


async def renew(
    session: AsyncSession,
    row: dict[str, Any],
    user: User,
    fence: int,
    *,
    now: datetime,
    lease: timedelta,
    step: timedelta,
    draft: str | None,
) -> NewEntry | None:
    """The holder's lease moves to ``now + lease`` and their draft is saved (``None``
    leaves it as it is).

    The lease end only moves when it moves by at least ``step``, and only then is there an
    entry: consoles renewing every few seconds while their operator types would otherwise
    fill the journal. The stored lease end is therefore always the one the journal last
    announced, and the holder always keeps at least lease - step.
    """
    require_holder(row, user, fence, now)
    values: dict[str, Any] = {}
    new_until = now + lease
    moves = new_until - row["lease_until"] >= step
    if moves:
        values["lease_until"] = new_until
    if draft is not None:
        values["claim_draft"] = draft
    if values:
        await _write_as_holder(session, row, user, fence, now, **values)
    if not moves:
        return None
    data = {
        "mention_id": row["id"],
        "holder": _holder(user),
        "fence": fence,
        "lease_until": isoformat_z(new_until),
    }
    return NewEntry("mention.renewed", data, user.username)


async def release(
    session: AsyncSession, row: dict[str, Any], user: User, fence: int, *, now: datetime
) -> NewEntry:
    """claimed → new: the holder gives the mention back to the queue."""
    require_holder(row, user, fence, now)
    await _write_as_holder(session, row, user, fence, now, state=NEW, **_NO_CLAIM)
    data = {"mention_id": row["id"], "holder": _holder(user), "fence": fence}
    return NewEntry("mention.released", data, user.username)


async def expire(session: AsyncSession, claim: dict[str, Any], *, now: datetime) -> NewEntry | None:
    """claimed → new, for a claim past its lease end: ``claim`` has the mention's ``id``,
    ``claim_fence`` and ``lease_until`` and the holder's ``username`` and ``display_name``.
    None if the claim ended or was renewed or taken over meanwhile (another sweeper, or its
    holder, got there first)."""
    changed = await affected(
        session,
        update(mention_table)
        .where(
            mention_table.c.id == claim["id"],
            mention_table.c.claim_fence == claim["claim_fence"],
            mention_table.c.state == CLAIMED,
            mention_table.c.lease_until < now,
        )
        .values(state=NEW, **_NO_CLAIM),
    )
    if changed != 1:
        return None
    data = {
        "mention_id": claim["id"],
        "holder": holder_dict(claim["username"], claim["display_name"]),
        "fence": claim["claim_fence"],
        "lease_until": isoformat_z(claim["lease_until"]),
    }
    return NewEntry("mention.claim_expired", data)


async def dismiss(
    session: AsyncSession,
    row: dict[str, Any],
    user: User,
    *,
    fence: int | None,
    reason: str | None,
    now: datetime,
) -> NewEntry:
    """new or claimed → dismissed (final), ending any claim.

    With ``fence``, the caller acts as the holder and the fence must be current. Without,
    the live holder may still dismiss, a producer or admin always may (the entry names the
    holder whose claim it ended), and an operator may when nobody holds a live claim.
    """
    if row["state"] in FINAL_STATES:
        raise errors.finished(row)
    if fence is not None:
        require_holder(row, user, fence, now)
    elif is_live(row, now) and row["claimed_by_id"] != user.id and user.role not in PRODUCER_ROLES:
        raise errors.held_by(row, hint=" Only they or a producer can dismiss it.")
    ended_claim = None
    if row["claimed_by_id"] is not None:
        ended_claim = {"holder": _row_holder(row), "fence": row["claim_fence"]}
    changed = await affected(
        session,
        update(mention_table)
        .where(
            mention_table.c.id == row["id"],
            mention_table.c.state == row["state"],
            mention_table.c.claim_fence == row["claim_fence"],
        )
        .values(state=MentionState.dismissed.value, **_NO_CLAIM),
    )
    if changed != 1:  # pragma: no cover - only a writer skipping the counter lock
        raise errors.held_by(await queries.get_row(session, row["id"]))
    data = {"mention_id": row["id"], "reason": reason, "ended_claim": ended_claim}
    return NewEntry("mention.dismissed", data, user.username)


async def answer(
    session: AsyncSession,
    mention_id: int,
    user: User,
    fence: int,
    *,
    reply: dict[str, Any],
    received_at: datetime,
) -> NewEntry:
    """claimed → replied (final): the holder's ``reply`` (its public shape) answers it. The
    entry carries when the mention arrived (``received_at``), so that the time to answer it
    is known from this entry alone (docs/numbers.md).

    The caller checked the claim (:func:`check_fence`) under the counter lock before
    accepting the reply, so this cannot lose it.
    """
    changed = await affected(
        session,
        update(mention_table)
        .where(
            mention_table.c.id == mention_id,
            mention_table.c.claimed_by_id == user.id,
            mention_table.c.claim_fence == fence,
            mention_table.c.state == CLAIMED,
        )
        .values(state=MentionState.replied.value, **_NO_CLAIM),
    )
    if changed != 1:  # pragma: no cover - the caller checked the claim under the counter lock
        raise Conflict(f"Your claim on mention {mention_id} ended; claim it again.")
    data = {
        "mention_id": mention_id,
        "holder": _holder(user),
        "fence": fence,
        "received_at": isoformat_z(received_at),
        "reply": reply,
    }
    return NewEntry("mention.replied", data, user.username)


async def append(session: AsyncSession, event_id: int, entry: NewEntry) -> None:
    """Journal what a transition returned, in the caller's transaction."""
    await journal.append(session, event_id, entry.type, entry.data, entry.actor)
