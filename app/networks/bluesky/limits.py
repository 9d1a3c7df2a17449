"""Bluesky's limits: ``ratelimit-*`` headers (reset in epoch seconds) and the PDS's
documented write budget, 5,000 points an hour and 35,000 a day, a create costing 3."""

from __future__ import annotations

from typing import Any

from app.networks.limits import Budget, Clock, HeaderLimit, Window, epoch_reset, read_headers
from app.networks.limits import system_clock as _system_clock

CREATE_COST = 3
WINDOWS = (
    Window("hour", limit=5000, seconds=3600, cost=CREATE_COST, unit="points"),
    Window("day", limit=35000, seconds=24 * 3600, cost=CREATE_COST, unit="points"),
)


def read(headers: Any) -> HeaderLimit | None:
    return read_headers(headers, "ratelimit-", epoch_reset)


def budget(clock: Clock = _system_clock) -> Budget:
    return Budget(WINDOWS, clock=clock)
