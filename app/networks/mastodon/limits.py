"""Mastodon's limits: ``X-RateLimit-*`` headers (the reset an ISO 8601 time) and the
documented default for posting statuses, 300 per 3 hours per account."""

from __future__ import annotations

from typing import Any

from app.networks.limits import Budget, Clock, HeaderLimit, Window, iso_reset, read_headers
from app.networks.limits import system_clock as _system_clock

WINDOWS = (Window("3 hours", limit=300, seconds=3 * 3600, unit="statuses"),)


def read(headers: Any) -> HeaderLimit | None:
    return read_headers(headers, "x-ratelimit-", iso_reset)


def budget(clock: Clock = _system_clock) -> Budget:
    return Budget(WINDOWS, clock=clock)
