"""Rate limits and budgets: what each network's limit headers say, and what an account may
still post before a window resets.

A publisher keeps one :class:`Budget` per account. Before each post it asks
:meth:`Budget.ready_at`: a time in the future means "wait until then" (the outbox keeps the
reply ``retrying``, saying so, and sends it at that time, oldest first). After each answer it
feeds the headers in (:meth:`Budget.observe`) and counts the post (:meth:`Budget.spend`)
against the windows the network documents, which the headers do not all report (X's posts
per day, Bluesky's points per day).

The budgets live in the process that posts; the API reads them from there (GET
/api/accounts/budgets), and the console polls it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class HeaderLimit:
    """One response's ``*-limit``, ``*-remaining`` and ``*-reset`` headers, read."""

    limit: int
    remaining: int
    reset_at: datetime


@dataclass(frozen=True)
class Window:
    """A documented budget: ``limit`` units per ``seconds``, a post costing ``cost``."""

    name: str
    limit: int
    seconds: int
    cost: int = 1
    unit: str = "posts"


@dataclass
class Budget:
    windows: tuple[Window, ...]
    clock: Clock = system_clock
    header: HeaderLimit | None = None
    credits: float | None = None
    """Pay-per-use credits left, where the network reports them."""
    _spent: deque[datetime] = field(default_factory=deque)

    def observe(self, header: HeaderLimit | None, credits: float | None = None) -> None:
        if header is not None:
            self.header = header
        if credits is not None:
            self.credits = credits

    def spend(self) -> None:
        self._spent.append(self.clock())
        horizon = self.clock() - timedelta(seconds=self.horizon_seconds())
        while self._spent and self._spent[0] <= horizon:
            self._spent.popleft()

    def horizon_seconds(self) -> int:
        """How far back a post still counts: the longest window."""
        return max((w.seconds for w in self.windows), default=0)

    def seed(self, published: list[datetime]) -> None:
        """What was spent, as the database knows it (this process's and others' posts);
        this process's posts newer than the newest there are not recorded yet, and kept."""
        horizon = self.clock() - timedelta(seconds=self.horizon_seconds())
        known = sorted(moment for moment in published if moment > horizon)
        newest = known[-1] if known else horizon
        self._spent = deque([*known, *(moment for moment in self._spent if moment > newest)])

    def _used(self, window: Window, now: datetime) -> tuple[int, datetime | None]:
        """Units spent in the window, and when the oldest of them leaves it."""
        start = now - timedelta(seconds=window.seconds)
        inside = [moment for moment in self._spent if moment > start]
        frees_at = inside[0] + timedelta(seconds=window.seconds) if inside else None
        return len(inside) * window.cost, frees_at

    def ready_at(self) -> datetime | None:
        """When the next post may go, if not now: a header at zero until its reset, or a
        full window until its oldest post leaves it."""
        now = self.clock()
        waits: list[datetime] = []
        if self.header and self.header.remaining <= 0 and self.header.reset_at > now:
            waits.append(self.header.reset_at)
        for window in self.windows:
            used, frees_at = self._used(window, now)
            if used + window.cost > window.limit and frees_at is not None:
                waits.append(frees_at)
        return max(waits) if waits else None

    def snapshot(self) -> dict[str, Any]:
        """The meter: each window's use, the last headers, the credits left."""
        now = self.clock()
        windows = []
        for window in self.windows:
            used, frees_at = self._used(window, now)
            windows.append(
                {
                    "name": window.name,
                    "unit": window.unit,
                    "limit": window.limit,
                    "used": used,
                    "resets_at": _z(frees_at),
                }
            )
        header = None
        if self.header is not None:
            header = {
                "limit": self.header.limit,
                "remaining": self.header.remaining,
                "reset_at": _z(self.header.reset_at),
            }
        ready = self.ready_at()
        return {
            "windows": windows,
            "header": header,
            "credits": self.credits,
            "ready_at": _z(ready),
        }


def _z(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def epoch_reset(value: str | None) -> datetime | None:
    """A reset header in epoch seconds (X, Bluesky)."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def iso_reset(value: str | None) -> datetime | None:
    """A reset header as an ISO 8601 time (Mastodon)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_headers(
    headers: Any, prefix: str, parse_reset: Callable[[str | None], datetime | None]
) -> HeaderLimit | None:
    """``<prefix>limit``, ``<prefix>remaining``, ``<prefix>reset`` (case-insensitive
    headers), or None when any is missing or unreadable."""
    reset_at = parse_reset(headers.get(f"{prefix}reset"))
    try:
        limit = int(headers.get(f"{prefix}limit", ""))
        remaining = int(headers.get(f"{prefix}remaining", ""))
    except ValueError:
        return None
    if reset_at is None:
        return None
    return HeaderLimit(limit=limit, remaining=remaining, reset_at=reset_at)


def until(moment: datetime, clock: Clock = system_clock) -> float:
    """Seconds from now until ``moment`` (never negative)."""
    return max(0.0, (moment - clock()).total_seconds())
