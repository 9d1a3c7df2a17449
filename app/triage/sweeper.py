"""The claim sweeper: frees claims whose lease has ended and journals ``mention.claim_expired``.

Every server process runs one. Each frees a claim with an UPDATE conditional on the claim
it saw (mention id and fence, still past its end: :func:`app.triage.lifecycle.expire`), so
when several processes find the same expired claim exactly one frees and journals it; the
others' updates match nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.common.errors import NotFound
from app.common.time import utcnow
from app.db import Database
from app.journal import service as journal
from app.mentions.models import Mention, MentionState
from app.triage import lifecycle

logger = logging.getLogger(__name__)

mention_table = Mention.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]

# Claims freed per pass at most; a longer backlog is taken on the next pass.
SWEEP_LIMIT = 500


async def _due(db: Database, now: datetime, limit: int) -> dict[int, list[dict[str, Any]]]:
    """Claims past their lease end, by event (the partial index on lease_until finds them)."""
    async with db.read_session() as session:
        result = await session.execute(
            select(
                mention_table.c.id,
                mention_table.c.event_id,
                mention_table.c.claim_fence,
                mention_table.c.lease_until,
                user_table.c.username,
                user_table.c.display_name,
            )
            .select_from(
                mention_table.join(user_table, user_table.c.id == mention_table.c.claimed_by_id)
            )
            .where(
                mention_table.c.lease_until < now,
                mention_table.c.state == MentionState.claimed.value,
            )
            .order_by(mention_table.c.lease_until)
            .limit(limit)
        )
        due: dict[int, list[dict[str, Any]]] = {}
        for row in result.mappings():
            due.setdefault(row["event_id"], []).append(dict(row))
        return due


async def expire_due(db: Database, *, now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Free the claims past their end; returns how many this call freed (and journaled)."""
    now = now or utcnow()
    freed = 0
    for event_id, claims in (await _due(db, now, limit)).items():
        async with db.transaction() as session:
            try:
                last_seq = await journal.lock_counter(session, event_id)
            except NotFound:
                continue  # the event was deleted meanwhile, with its mentions
            entries = []
            for claim in claims:
                entry = await lifecycle.expire(session, claim, now=now)
                if entry is not None:
                    entries.append(entry)
            await journal.write(session, event_id, last_seq, entries)
            freed += len(entries)
    return freed


class ClaimSweeper:
    """Runs :func:`expire_due` every ``interval`` seconds until stopped."""

    def __init__(self, db: Database, interval: float) -> None:
        self._db = db
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="claim-sweeper")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                freed = await expire_due(self._db)
                if freed:
                    logger.info("freed %d expired claims", freed)
            except Exception:
                # A database hiccup must not end the sweeper: the next pass retries.
                logger.exception(
                    "sweeping expired claims failed; retrying in %.1fs", self._interval
                )
            await asyncio.sleep(self._interval)
