"""What every networked source shares, whatever its network: the state it reports, the
gaps it opens and closes, the malformed payloads it counts and keeps a few of, and the
reconnect loop with its backoff policy.

A network's source supplies how to connect once (``StreamSession``), how to back-fill, and
the numbers of its backoff (``TieredBackoff``); this module does the rest. Time comes in
through a ``clock`` and waits through a ``sleep``, so tests drive both.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from app.common.time import isoformat_z, utcnow
from app.ingest.sources.base import SourceReporter

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

# The state names the API and the console show.
Status = Literal["connecting", "connected", "reconnecting", "rate_limited", "refused"]

# Items a minute and last item at change all the time: they are reported at most this often.
DEFAULT_REPORT_INTERVAL = 5.0
# Malformed payloads kept, each cut to this many characters: enough to see what broke.
MALFORMED_SAMPLES = 10
MALFORMED_SAMPLE_CHARS = 2000


@dataclass(slots=True)
class StreamFailure(Exception):
    """Why a connection ended or could not be made, as the backoff policy sorts it.

    ``network``: the connection broke or timed out; ``http``: the server answered an error;
    ``rate_limited``: a 429 (``retry_at`` from the reset header if it had one);
    ``refused``: the credentials were refused (401/403): retrying cannot help.
    """

    kind: Literal["network", "http", "rate_limited", "refused"]
    message: str
    status_code: int | None = None
    retry_at: datetime | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Ladder:
    """Delays for one kind of failure: ``first``, then growing by ``step`` (linear) or
    times ``factor`` (exponential), never past ``cap``."""

    first: float
    cap: float
    step: float = 0.0
    factor: float = 1.0

    def delay(self, failures: int) -> float:
        n = max(1, failures) - 1
        grown = self.first + self.step * n if self.step else self.first * self.factor**n
        return min(self.cap, grown)


@dataclass
class TieredBackoff:
    """A network's reconnect rules: one ladder per kind of failure, each counted apart and
    all reset by a connection that works. After an established connection drops, the first
    reconnect is immediate (``reconnect_at_once``)."""

    network: Ladder
    http: Ladder
    rate_limited: Ladder
    refused_wait: float = 900.0
    reconnect_at_once: bool = True
    _counts: dict[str, int] = field(default_factory=dict)

    def delay(self, failure: StreamFailure, now: datetime, was_connected: bool) -> float:
        if failure.kind == "refused":
            return self.refused_wait
        if was_connected and self.reconnect_at_once and failure.kind == "network":
            return 0.0
        count = self._counts[failure.kind] = self._counts.get(failure.kind, 0) + 1
        ladder = {"network": self.network, "http": self.http}.get(failure.kind, self.rate_limited)
        delay = ladder.delay(count)
        if failure.kind == "rate_limited" and failure.retry_at is not None:
            delay = max(0.0, (failure.retry_at - now).total_seconds())
        return delay

    def reset(self) -> None:
        self._counts.clear()


class SourceState:
    """A source's state, reported whole on every change of status and, for the counters
    (items a minute, last item at, malformed), at most every ``report_interval`` seconds."""

    def __init__(
        self,
        reporter: SourceReporter,
        *,
        clock: Clock = utcnow,
        report_interval: float = DEFAULT_REPORT_INTERVAL,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self._reporter = reporter
        self._clock = clock
        self._interval = report_interval
        self.status: Status = "connecting"
        self.since: datetime = clock()
        self.message: str | None = None
        self.reconnecting_since: datetime | None = None
        self.rate_limited_until: datetime | None = None
        self.last_item_at: datetime | None = None
        self.malformed = 0
        self.samples: deque[str] = deque(maxlen=MALFORMED_SAMPLES)
        # Network-specific figures (X's reads this month); reported with the rest.
        self.extra: dict[str, Any] = dict(extra or {})
        self._arrivals: deque[tuple[datetime, int]] = deque()
        self._reported_at: datetime | None = None
        self._dirty = False

    def items_per_minute(self) -> int:
        cutoff = self._clock() - timedelta(minutes=1)
        while self._arrivals and self._arrivals[0][0] < cutoff:
            self._arrivals.popleft()
        return sum(count for _at, count in self._arrivals)

    def as_dict(self) -> dict[str, Any]:
        def z(value: datetime | None) -> str | None:
            return isoformat_z(value) if value else None

        return {
            "status": self.status,
            "since": z(self.since),
            "message": self.message,
            "reconnecting_since": z(self.reconnecting_since),
            "rate_limited_until": z(self.rate_limited_until),
            "last_item_at": z(self.last_item_at),
            "items_per_minute": self.items_per_minute(),
            "malformed": self.malformed,
            **self.extra,
        }

    # Status changes: reported at once.

    async def connected(self) -> None:
        self.reconnecting_since = None
        self.rate_limited_until = None
        await self._become("connected", None)

    async def failed(self, failure: StreamFailure, retry_in: float) -> None:
        now = self._clock()
        if self.reconnecting_since is None:
            self.reconnecting_since = now
        if failure.kind == "refused":
            await self._become("refused", failure.message)
        elif failure.kind == "rate_limited":
            self.rate_limited_until = now + timedelta(seconds=retry_in)
            await self._become("rate_limited", failure.message)
        else:
            self.rate_limited_until = None
            await self._become("reconnecting", failure.message)

    async def _become(self, status: Status, message: str | None) -> None:
        if status == self.status and message == self.message:
            return
        self.status, self.message, self.since = status, message, self._clock()
        await self.report()

    # Counters: reported when due.

    async def items(self, count: int = 1) -> None:
        if count <= 0:
            return
        now = self._clock()
        self.last_item_at = now
        self._arrivals.append((now, count))
        self._dirty = True
        await self.report_if_due()

    async def malformed_payload(self, raw: str | bytes, reason: str) -> None:
        """Count, keep (bounded) and log a payload that could not be read; the stream goes
        on."""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        self.malformed += 1
        self.samples.append(f"{reason}: {text[:MALFORMED_SAMPLE_CHARS]}")
        if self.malformed <= 3 or self.malformed % 100 == 0:
            logger.warning("skipped a malformed payload (%d so far): %s", self.malformed, reason)
        self._dirty = True
        await self.report_if_due()

    async def set_extra(self, **values: Any) -> None:
        self.extra.update(values)
        self._dirty = True
        await self.report_if_due()

    async def report_if_due(self) -> None:
        now = self._clock()
        due = self._reported_at is None or (now - self._reported_at).total_seconds() >= (
            self._interval
        )
        if self._dirty and due:
            await self.report()

    async def report(self) -> None:
        self._dirty = False
        self._reported_at = self._clock()
        try:
            await self._reporter.state_changed(self.as_dict())
        except Exception:
            # The state is news, not data: a failed write must not stop the stream.
            logger.exception("could not report a source's state")


class GapTracker:
    """The stretch a source was disconnected: opened when a live connection is lost, closed
    once a reconnect's back-fill has run (``backfilled`` says whether it covered it)."""

    def __init__(self, reporter: SourceReporter, network: str, *, clock: Clock = utcnow) -> None:
        self._reporter = reporter
        self._network = network
        self._clock = clock
        self.open_since: datetime | None = None

    async def open(self, from_at: datetime | None = None) -> None:
        if self.open_since is not None:
            return
        self.open_since = from_at or self._clock()
        try:
            await self._reporter.gap_opened(self._network, self.open_since)
        except Exception:
            logger.exception("could not journal a gap's opening")

    async def close(self, backfilled: bool) -> None:
        if self.open_since is None:
            return
        from_at, self.open_since = self.open_since, None
        try:
            await self._reporter.gap_closed(from_at, self._clock(), backfilled)
        except Exception:
            logger.exception("could not journal a gap's closing")


class LinkState(Protocol):
    async def connected(self) -> None: ...

    async def failed(self, failure: StreamFailure, retry_in: float) -> None: ...


class Links:
    """A source that holds several connections (one per hashtag, per server): it is
    connected when all of them are, its gap opens when the first is lost and closes once
    every lost one is back and back-filled (``backfilled`` only if every back-fill was)."""

    def __init__(self, state: SourceState, gaps: GapTracker) -> None:
        self.state = state
        self.gaps = gaps
        self._failing: set[str] = set()
        self._down: set[str] = set()
        self._all_backfilled = True

    def link(self, name: str) -> Link:
        return Link(self, name)


class Link:
    def __init__(self, links: Links, name: str) -> None:
        self._links = links
        self.name = name

    async def connected(self) -> None:
        self._links._failing.discard(self.name)
        if not self._links._failing:
            await self._links.state.connected()

    async def failed(self, failure: StreamFailure, retry_in: float) -> None:
        self._links._failing.add(self.name)
        await self._links.state.failed(failure, retry_in)

    async def lost(self, from_at: datetime | None = None) -> None:
        self._links._down.add(self.name)
        await self._links.gaps.open(from_at)

    async def back(self, backfilled: bool) -> None:
        links = self._links
        if self.name not in links._down:
            return
        links._down.discard(self.name)
        links._all_backfilled = links._all_backfilled and backfilled
        if not links._down:
            await links.gaps.close(links._all_backfilled)
            links._all_backfilled = True


# Connects once and streams until the connection ends (raising ``StreamFailure``);
# calls ``on_open`` once the server accepted the connection, before reading from it.
StreamSession = Callable[[Callable[[], Awaitable[None]]], Awaitable[None]]


async def reconnect_forever(
    session: StreamSession,
    *,
    state: LinkState,
    backoff: TieredBackoff,
    on_open: Callable[[bool], Awaitable[None]],
    on_lost: Callable[[], Awaitable[None]],
    clock: Clock = utcnow,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Connect, stream, and on every failure wait as ``backoff`` says and connect again,
    until cancelled. ``on_open(reconnected)`` runs when a connection is accepted (a
    reconnect back-fills there); ``on_lost`` when a working connection is lost."""
    ever_connected = False
    while True:
        connected_now = False

        async def opened() -> None:
            nonlocal connected_now, ever_connected
            connected_now = True
            reconnected, ever_connected = ever_connected, True
            backoff.reset()
            await state.connected()
            await on_open(reconnected)

        try:
            await session(opened)
            failure = StreamFailure("network", "the server ended the stream")
        except StreamFailure as exc:
            failure = exc
        if connected_now:
            await on_lost()
        delay = backoff.delay(failure, clock(), connected_now)
        logger.warning("stream lost (%s); reconnecting in %.2f s", failure, delay)
        await state.failed(failure, delay)
        await sleep(delay)


def resumed_from(previous_state: dict[str, Any]) -> datetime | None:
    """When a source restarted by the server last delivered something: its gap starts
    there (None for a source that never delivered, or never ran)."""
    value = previous_state.get("last_item_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class RecentIds:
    """The last ``size`` ids seen, and a value for each (Mastodon: local id → uri): a
    twice-delivered post is skipped before it costs a write, and a delete can be
    resolved. Bounded: older ids fall back on the store's own dedupe."""

    def __init__(self, size: int = 50_000) -> None:
        self._size = size
        self._items: dict[str, str] = {}

    def add(self, key: str, value: str = "") -> bool:
        """Remember ``key``; answers whether it is new."""
        if key in self._items:
            return False
        self._items[key] = value
        if len(self._items) > self._size:
            del self._items[next(iter(self._items))]
        return True

    def get(self, key: str) -> str | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items
