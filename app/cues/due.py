"""When a cue is due: its ``fire_at`` (``at_time``), or the event's on-air time plus its
``offset_seconds`` (``show_offset``, once the event is on air and until it goes off air);
a manual cue never is. And the scheduler's wake-up, poked after changes commit."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.cues.models import CueTrigger
from app.db import database_of

# The name the scheduler registers its wake-up under (Database.wakers).
SCHEDULER_WAKER = "cues"


def on_air_since(event: Any) -> datetime | None:
    """The show clock's T+0 while the event is on air; None before and after."""
    if event.on_air_at is None or event.off_air_at is not None:
        return None
    on_air: datetime = event.on_air_at
    return on_air


def due_time(
    trigger: str, fire_at: datetime | None, offset_seconds: int | None, event: Any
) -> datetime | None:
    if trigger == CueTrigger.at_time:
        return fire_at
    if trigger == CueTrigger.show_offset and offset_seconds is not None:
        since = on_air_since(event)
        return since + timedelta(seconds=offset_seconds) if since is not None else None
    return None


def show_clock(seconds: float) -> str:
    """``T+00:42:17``."""
    whole = int(seconds)
    sign = "-" if whole < 0 else "+"
    whole = abs(whole)
    return f"T{sign}{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def wake_scheduler_after_commit(session: AsyncSession) -> None:
    database = database_of(session)
    if database is not None:
        database.wake_after_commit(session, SCHEDULER_WAKER)
