"""X's documented limits: how to reconnect, when a rate limit resets, and the month's reads.

Reconnecting as X asks (filtered stream docs, "Handling disconnections"): when an
established connection drops, reconnect at once; if that fails, back off linearly for
network errors (a quarter second more each try, up to 16 s), exponentially for HTTP errors
(from 5 s, doubling, up to 320 s) and for 429s (from a minute, doubling), unless the
``x-rate-limit-reset`` header says when.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from app.config import Settings
from app.ingest.sources.stateful import Ladder, TieredBackoff

# 429: doubling from a minute; X names no cap, this keeps one bad hour from becoming a day.
RATE_LIMIT_CAP_SECONDS = 3840.0


def x_backoff(settings: Settings) -> TieredBackoff:
    return TieredBackoff(
        network=Ladder(first=0.25, cap=16.0, step=0.25),
        http=Ladder(first=5.0, cap=320.0, factor=2.0),
        rate_limited=Ladder(first=60.0, cap=RATE_LIMIT_CAP_SECONDS, factor=2.0),
        refused_wait=settings.listen_refused_retry_seconds,
    )


def rate_limit_reset(headers: httpx.Headers) -> datetime | None:
    """``x-rate-limit-reset`` is in epoch seconds."""
    value = headers.get("x-rate-limit-reset")
    try:
        return datetime.fromtimestamp(int(value), UTC) if value else None
    except (ValueError, OverflowError, OSError):
        return None


class ReadCounter:
    """Posts read this month (each stream delivery and each post of a recent search costs
    credits on pay-per-use), against the cap the console shows."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.month = ""
        self._of = (0, 0)
        self.count = 0

    def _roll(self, now: datetime) -> None:
        # Called for every post read: strftime costs more than the rest of the count.
        if (now.year, now.month) != self._of:
            self._of = (now.year, now.month)
            self.month, self.count = f"{now.year:04d}-{now.month:02d}", 0

    def seed(self, figures: dict[str, object], now: datetime) -> None:
        """Carry on from what a source reported before a restart, if it was this month."""
        self._roll(now)
        count = figures.get("reads_month")
        if figures.get("reads_month_of") == self.month and isinstance(count, int):
            self.count = max(self.count, count)

    def add(self, reads: int, now: datetime) -> None:
        self._roll(now)
        self.count += reads

    def figures(self) -> dict[str, object]:
        return {"reads_month": self.count, "reads_month_of": self.month, "reads_cap": self.cap}
