"""What a networked source is run with in its tests: a context whose sink, change sink and
reporter keep what they are given, and a sleep that records each backoff wait.

These are the real interfaces a source talks to (the manager gives it the batcher and the
journal through the same ones); the network on the other side is a local fake server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.config import Settings
from app.ingest.sources.base import (
    Credentials,
    EventInfo,
    MentionChange,
    SharedResources,
    SourceContext,
    no_credentials,
)
from app.mentions.schemas import MentionIn


@dataclass
class Kept:
    mentions: list[MentionIn] = field(default_factory=list)
    changes: list[MentionChange] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def sink(self, items: Sequence[MentionIn]) -> None:
        self.mentions.extend(items)

    async def change(self, items: Sequence[MentionChange]) -> None:
        self.changes.extend(items)

    async def state_changed(self, state: dict[str, Any]) -> None:
        self.states.append(state)

    async def gap_opened(self, network: str, from_at: datetime) -> None:
        self.gaps.append(("opened", {"network": network, "from_at": from_at}))

    async def gap_closed(self, from_at: datetime, to_at: datetime, backfilled: bool) -> None:
        self.gaps.append(("closed", {"from_at": from_at, "to_at": to_at, "backfilled": backfilled}))

    @property
    def ids(self) -> list[str]:
        return [mention.external_id for mention in self.mentions]

    @property
    def statuses(self) -> list[str]:
        return [state["status"] for state in self.states]


def context_for(
    kept: Kept,
    settings: Settings,
    *,
    hashtags: tuple[str, ...] = ("CupFinal",),
    keywords: tuple[str, ...] = (),
    event_id: int = 7,
    source_id: int = 1,
    resources: SharedResources | None = None,
    previous_state: dict[str, Any] | None = None,
    credentials: Credentials = no_credentials,
) -> SourceContext:
    event = EventInfo(id=event_id, name="Cup Final", hashtags=hashtags, keywords=keywords)
    return SourceContext(
        source_id,
        event,
        datetime.now(UTC),
        kept.sink,
        changes=kept.change,
        reporter=kept,
        settings=settings,
        resources=resources or SharedResources(),
        previous_state=previous_state or {},
        credentials=credentials,
    )


@dataclass
class RecordingSleep:
    """Records every wait; returns at once for waits up to ``instant_up_to`` seconds and
    blocks (until the source is cancelled) for longer ones, so a source told to wait 15
    minutes is seen asking for it and never retries in the test."""

    instant_up_to: float = 400.0
    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if seconds > self.instant_up_to:
            await asyncio.Event().wait()
        await asyncio.sleep(0)


async def until(check: Callable[[], bool], within: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.02)


async def running(source_run: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
    task = asyncio.create_task(source_run())
    await asyncio.sleep(0)
    return task


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
