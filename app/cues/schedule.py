"""When cues are due, and the scheduler that fires them.

A scheduled cue's ``due_at`` is its ``fire_at`` (``at_time``) or the event's on-air time
plus its ``offset_seconds`` (``show_offset``, once the event is on air and until it goes
off air); manual cues are never due. Every server process runs one :class:`CueScheduler`:
it sleeps until the next due time it knows of (at most ``cue_scheduler_poll_seconds``),
is woken after the commit of any change to the cues (``Database.wakers["cues"]``), and
fires each due, armed cue through the same conditional UPDATE as a producer's press
(app/cues/firing.py), so with several processes exactly one fires it. A cue found due more
than ``cue_grace_seconds`` ago (the servers were down at its time) is not fired: it is
reported missed (``cue.missed``), keeps its drafts armed, and waits for a producer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import Conflict, NotFound
from app.common.sql import affected
from app.common.time import isoformat_z, utcnow
from app.config import Settings
from app.cues import firing, views
from app.cues.due import SCHEDULER_WAKER, due_time, wake_scheduler_after_commit
from app.cues.models import CueTrigger
from app.db import Database
from app.events.models import Event
from app.journal import service as journal

logger = logging.getLogger(__name__)

cue_table = views.cue_table

Clock = Callable[[], datetime]


async def recompute_due_times(session: AsyncSession, event: Event) -> list[int]:
    """Set the due time of the event's show-offset cues from its on-air time (after the
    event goes on air, has its on-air time corrected, or goes off air); returns the cues
    whose due time changed, each journaled ``cue.updated`` with ``changed: ["due_at"]``.

    The caller holds the event's journal counter (it journals ``event.on_air``). A due time
    that the correction puts in the past is kept: the scheduler fires the cue at once
    within the grace window, or reports it missed."""
    assert event.id is not None
    result = await session.execute(
        select(cue_table.c.id, cue_table.c.offset_seconds, cue_table.c.due_at).where(
            cue_table.c.event_id == event.id,
            cue_table.c.trigger == CueTrigger.show_offset.value,
            cue_table.c.deleted_at.is_(None),
        )
    )
    changed: list[int] = []
    for cue_id, offset, old_due in result.all():
        new_due = due_time(CueTrigger.show_offset, None, offset, event)
        if new_due == old_due:
            continue
        await session.execute(
            update(cue_table)
            .where(cue_table.c.id == cue_id)
            .values(due_at=new_due, updated_at=utcnow())
        )
        changed.append(cue_id)
    for cue in await views.public_cues(session, cue_ids=changed):
        await journal.append(session, event.id, "cue.updated", {"cue": cue, "changed": ["due_at"]})
    if changed:
        wake_scheduler_after_commit(session)
    return changed


class CueScheduler:
    """Fires this process's share of due cues (see the module's docstring)."""

    def __init__(self, db: Database, settings: Settings, clock: Clock = utcnow) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._db.wakers[SCHEDULER_WAKER] = self._wake.set
        self._task = asyncio.create_task(self._run(), name="cue-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            wait = self._settings.cue_scheduler_poll_seconds
            try:
                await self.step()
                wait = await self._seconds_to_next_due(wait)
            except Exception:
                logger.exception("firing scheduled cues failed; trying again at the next poll")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

    async def _seconds_to_next_due(self, longest: float) -> float:
        async with self._db.read_session() as session:
            next_due = (
                await session.execute(select(func.min(cue_table.c.due_at)).where(_scheduled()))
            ).scalar_one_or_none()
        if next_due is None:
            return longest
        seconds = (next_due - self._clock()).total_seconds()
        return min(longest, max(0.0, seconds))

    async def step(self) -> dict[str, list[int]]:
        """Fire (or report missed) every cue due now; answers ``{"fired": [...], "missed":
        [...]}`` for the cues this process decided (another process may have won others)."""
        now = self._clock()
        async with self._db.read_session() as session:
            due = (
                await session.execute(
                    select(cue_table.c.id, cue_table.c.due_at)
                    .where(_scheduled(), cue_table.c.due_at <= now)
                    .order_by(cue_table.c.due_at, cue_table.c.position, cue_table.c.id)
                )
            ).all()
        done: dict[str, list[int]] = {"fired": [], "missed": []}
        grace = timedelta(seconds=self._settings.cue_grace_seconds)
        for cue_id, due_at in due:
            try:
                async with self._db.transaction() as session:
                    if now - due_at > grace:
                        if await _report_missed(session, cue_id, due_at, now):
                            done["missed"].append(cue_id)
                    else:
                        await firing.fire(session, cue_id, user=None, now=now, due_at=due_at)
                        done["fired"].append(cue_id)
            except (Conflict, NotFound):
                continue  # another process fired it, or it changed or went meanwhile
        return done


def _scheduled() -> Any:
    return (
        cue_table.c.armed.is_(True)
        & cue_table.c.deleted_at.is_(None)
        & cue_table.c.due_at.is_not(None)
    )


async def _report_missed(
    session: AsyncSession, cue_id: int, due_at: datetime, now: datetime
) -> bool:
    """Unschedule a cue found due past the grace window (it stays armed, for a producer to
    fire by hand) and journal ``cue.missed``; False if it changed meanwhile."""
    event_id = (
        await session.execute(select(cue_table.c.event_id).where(cue_table.c.id == cue_id))
    ).scalar_one_or_none()
    if event_id is None:
        return False
    last_seq = await journal.lock_counter(session, event_id)
    changed = await affected(
        session,
        update(cue_table)
        .where(cue_table.c.id == cue_id, cue_table.c.due_at == due_at, _scheduled())
        .values(due_at=None, updated_at=now),
    )
    if changed != 1:
        return False
    cue = await views.public_cue(session, cue_id)
    data = {
        "cue_id": cue_id,
        "due_at": isoformat_z(due_at),
        "late_seconds": round((now - due_at).total_seconds(), 3),
        "cue": cue,
    }
    await journal.write(session, event_id, last_seq, [journal.NewEntry("cue.missed", data)])
    return True
