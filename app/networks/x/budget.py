"""X's limits: ``x-rate-limit-*`` headers (reset in epoch seconds) and the posting budget
X documents for ``POST /2/tweets``: 100 per 15 minutes per user; the day's cap depends on
the access level, 2,400 a day per user being the long-standing one."""

from __future__ import annotations

from typing import Any

from app.networks.limits import Budget, Clock, HeaderLimit, Window, epoch_reset, read_headers
from app.networks.limits import system_clock as _system_clock

WINDOWS = (
    Window("15 minutes", limit=100, seconds=15 * 60),
    Window("day", limit=2400, seconds=24 * 3600),
)


def read(headers: Any) -> HeaderLimit | None:
    return read_headers(headers, "x-rate-limit-", epoch_reset)


def credits(headers: Any) -> float | None:
    """Pay-per-use credits left, when X reports them on the answer."""
    for name in ("x-credits-remaining", "x-usage-credits-remaining"):
        value = headers.get(name)
        if value is not None:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def budget(clock: Clock = _system_clock) -> Budget:
    return Budget(WINDOWS, clock=clock)
