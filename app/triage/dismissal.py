"""Dismissing a mention: it needs no answer. Final, like a reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.common.time import utcnow
from app.mentions import queries
from app.triage import lifecycle


async def dismiss(
    session: AsyncSession,
    mention_id: int,
    user: User,
    *,
    fence: int | None,
    reason: str | None,
) -> dict[str, Any]:
    """Set the mention ``dismissed`` and end any claim on it (who may: see
    :func:`app.triage.lifecycle.dismiss`)."""
    event_id, row = await lifecycle.lock_mention(session, mention_id)
    entry = await lifecycle.dismiss(session, row, user, fence=fence, reason=reason, now=utcnow())
    await lifecycle.append(session, event_id, entry)
    return await queries.get_public(session, mention_id)
