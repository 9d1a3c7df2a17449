"""Playing a recording as a live source: the file source's and the rehearsal's one pacing.

A recording is a sequence of items, each at a time on the recording's own clock (a post's
``created_at``, a mention's arrival). Played at ``speed`` (1 to 60), an item falls due
``(its time - the first item's time) / speed`` seconds after the start, in the order of
the recording: an item timed before the one ahead of it falls due with it, never before.
Items falling due within ``TICK_SECONDS`` of each other go to the sink together, so a dense
recording at 60x costs a sink call a tick, not one a mention.

Time comes from a :class:`Clock`: the event loop's in a server, a fake one in tests, so
that pacing is tested without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from pydantic import Field

MIN_SPEED = 1.0
MAX_SPEED = 60.0
TICK_SECONDS = 0.02
MAX_BATCH = 500

T = TypeVar("T")

SpeedField = Field(
    default=1.0,
    ge=MIN_SPEED,
    le=MAX_SPEED,
    description=f"How much faster than recorded ({MIN_SPEED:g}x to {MAX_SPEED:g}x).",
)


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic clock."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class LoopClock:
    """The running event loop's clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Timeline:
    """Maps the recording's clock onto the wall clock of a playback that began at
    ``started_at`` (UTC) with its first item at ``origin`` (on the recording's clock)."""

    def __init__(self, origin: datetime, started_at: datetime, speed: float) -> None:
        self.origin = origin
        self.started_at = started_at
        self.speed = speed

    def offset(self, at: datetime) -> float:
        """Seconds after the start at which something recorded at ``at`` falls due."""
        return (at - self.origin).total_seconds() / self.speed

    def live(self, at: datetime) -> datetime:
        """The wall-clock time of something recorded at ``at``."""
        return self.started_at + timedelta(seconds=self.offset(at))


async def play(
    items: AsyncIterable[tuple[float, T]],
    sink: Callable[[list[T]], Awaitable[None]],
    clock: Clock,
    *,
    elapsed: float = 0.0,
) -> int:
    """Hand ``items`` (each with its offset in seconds from the start, already divided by
    the speed) to ``sink`` as they fall due; answers how many were played.

    ``elapsed`` is how long this playback has already been going (a source resumed after a
    restart): everything due before then is handed over at once, as a catch-up.
    """
    start = clock.now() - elapsed
    batch: list[T] = []
    latest = 0.0
    played = 0
    async for offset, item in items:
        latest = max(latest, offset)
        wait = start + latest - clock.now()
        if wait > TICK_SECONDS or len(batch) >= MAX_BATCH:
            if batch:
                await sink(batch)
                played += len(batch)
                batch = []
            wait = start + latest - clock.now()
            if wait > 0:
                await clock.sleep(wait)
        batch.append(item)
    if batch:
        await sink(batch)
        played += len(batch)
    return played
