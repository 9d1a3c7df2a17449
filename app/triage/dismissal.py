"""Dismissing a mention: it needs no answer. Final, like a reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import PRODUCER_ROLES
from app.auth.models import User
from app.common.time import utcnow
from app.journal import service as journal
from app.mentions import queries
from app.mentions.models import FINAL_STATES, Mention, MentionState
from app.mentions.service import holder_dict
from app.triage import errors
from app.triage.claims import is_live, lock_mention, require_holder
from app.triage.sql import affected

mention_table = Mention.__table__  # type: ignore[attr-defined]


async def dismiss(
    session: AsyncSession,
    mention_id: int,
    user: User,
    *,
    fence: int | None,
    reason: str | None,
) -> dict[str, Any]:
    """Set the mention ``dismissed`` and end any claim on it.

    With ``fence``, the caller acts as the holder and the fence must be current. Without,
    the live holder may still dismiss, a producer or admin always may (the journal names
    the holder whose claim it ended), and an operator may when nobody holds a live claim.
    """
    event_id, row = await lock_mention(session, mention_id)
    now = utcnow()
    if row["state"] in FINAL_STATES:
        raise errors.finished(row)
    if fence is not None:
        require_holder(row, user, fence, now)
    elif is_live(row, now) and row["claimed_by_id"] != user.id and user.role not in PRODUCER_ROLES:
        raise errors.held_by(row, hint=" Only they or a producer can dismiss it.")
    ended_claim = None
    if row["claimed_by_id"] is not None:
        ended_claim = {
            "holder": holder_dict(row["holder_username"], row["holder_display_name"]),
            "fence": row["claim_fence"],
        }
    # Conditional on what was just read (under the counter lock, so it holds).
    changed = await affected(
        session,
        update(mention_table)
        .where(
            mention_table.c.id == mention_id,
            mention_table.c.state == row["state"],
            mention_table.c.claim_fence == row["claim_fence"],
        )
        .values(
            state=MentionState.dismissed.value,
            claimed_by_id=None,
            lease_until=None,
            claim_draft=None,
        ),
    )
    if changed != 1:  # pragma: no cover - only a writer skipping the counter lock
        raise errors.held_by(await queries.get_row(session, mention_id))
    await journal.append(
        session,
        event_id,
        "mention.dismissed",
        {"mention_id": mention_id, "reason": reason, "ended_claim": ended_claim},
        user.username,
    )
    return await queries.get_public(session, mention_id)
