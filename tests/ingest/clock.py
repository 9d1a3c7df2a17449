"""A clock for pacing tests: sleeping moves time on at once, nothing waits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class FakeClock:
    def __init__(self) -> None:
        self.time = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


class TimedSink:
    """A sink that notes when (on the fake clock) each batch arrived."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.batches: list[tuple[float, list[Any]]] = []

    async def __call__(self, items: Sequence[Any]) -> None:
        self.batches.append((self.clock.time, list(items)))

    @property
    def items(self) -> list[Any]:
        return [item for _at, batch in self.batches for item in batch]

    def arrival(self, key: Any) -> float:
        return next(at for at, batch in self.batches for item in batch if key(item))
