"""The show clock: T+0 is the moment a producer marks the event on air.

Marking it again corrects the time (the entry carries the time it replaces); the end is
marked off air the same way. Both are journaled (``event.on_air``, ``event.off_air``) so
every console, and a replay, places entries on the show clock. The routes are the show
run's (app/cues/router.py): a new on-air time moves the cues set at a show-clock offset, in
the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import Conflict, Invalid
from app.common.time import as_utc, isoformat_z, utcnow
from app.events.models import Event
from app.events.service import get_or_raise
from app.journal import service as journal


def _iso(value: datetime | None) -> str | None:
    return isoformat_z(value) if value is not None else None


async def mark_on_air(
    session: AsyncSession, event_id: int, at: datetime | None, actor: str | None
) -> Event:
    """Set (or correct) the event's on-air time; ``None`` means now."""
    await journal.lock_counter(session, event_id)
    event = await get_or_raise(session, event_id)
    on_air_at = as_utc(at) if at is not None else _to_millisecond(utcnow())
    if event.off_air_at is not None and on_air_at > as_utc(event.off_air_at):
        raise Invalid(
            f"The event went off air at {isoformat_z(event.off_air_at)}; it cannot go on air "
            "after that.",
            off_air_at=isoformat_z(event.off_air_at),
        )
    return await _set_mark(session, event, "on_air_at", on_air_at, actor)


async def mark_off_air(
    session: AsyncSession, event_id: int, at: datetime | None, actor: str | None
) -> Event:
    """Set (or correct) the event's off-air time; ``None`` means now."""
    await journal.lock_counter(session, event_id)
    event = await get_or_raise(session, event_id)
    if event.on_air_at is None:
        raise Conflict("The event has not gone on air yet: mark it on air first.")
    off_air_at = as_utc(at) if at is not None else _to_millisecond(utcnow())
    if off_air_at < as_utc(event.on_air_at):
        raise Invalid(
            f"The event went on air at {isoformat_z(event.on_air_at)}; it cannot go off air "
            "before that.",
            on_air_at=isoformat_z(event.on_air_at),
        )
    return await _set_mark(session, event, "off_air_at", off_air_at, actor)


async def _set_mark(
    session: AsyncSession, event: Event, field: str, at: datetime, actor: str | None
) -> Event:
    """Store ``on_air_at`` or ``off_air_at`` and journal ``event.on_air`` / ``event.off_air``
    with the time it replaces; the same time again changes and journals nothing."""
    previous: datetime | None = getattr(event, field)
    if previous is not None and as_utc(previous) == at:
        return event
    setattr(event, field, at)
    event.updated_at = utcnow()
    session.add(event)
    await session.flush()
    assert event.id is not None
    await journal.append(
        session,
        event.id,
        f"event.{field.removesuffix('_at')}",
        {field: isoformat_z(at), f"previous_{field}": _iso(previous)},
        actor,
    )
    await session.refresh(event)
    return event


def _to_millisecond(value: datetime) -> datetime:
    # Stored and sent to the millisecond, like every time the API takes.
    return value.replace(microsecond=value.microsecond // 1000 * 1000)
