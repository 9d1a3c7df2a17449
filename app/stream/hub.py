"""One hub per event per process: the journal's live tail, kept in order, shared by sockets.

The hub listens to the broker, but trusts only the journal: an entry that arrives with a
gap before it makes the hub read the missing ones from the database, and while consoles are
connected it also polls the event's last seq, so a broker message that never came costs at
most a poll interval. While the broker is out (or the hub's subscription not made yet) it
polls on its tick instead, so consoles keep streaming from the journal. Entries become
visible to sockets on a short tick, so that every socket that is up to date gets the very
same frame (built once) with everything new.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any, Protocol

from app.broker import Broker, BrokerUnavailable
from app.common.backoff import Backoff
from app.db import Database
from app.journal import service as journal
from app.journal.visibility import Audience
from app.stream.presence import PresenceBoard, editing_snapshot_name
from app.stream.ring import EncodedRing

logger = logging.getLogger(__name__)


# How often each socket is checked for a due heartbeat, a stuck send or a silent console.
WATCH_INTERVAL_SECONDS = 0.25
# While the broker is out the journal is polled on the tick, but not more often than this:
# a last-seq query per hub every 15 ms would cost a busy process more than the delay saves.
DEGRADED_POLL_FLOOR_SECONDS = 0.05
# While it is up, how often the poller looks whether it still is.
FEED_CHECK_SECONDS = 0.25


class Watched(Protocol):
    """What the hub needs of a socket: an event to wake it, and a periodic check."""

    wake: asyncio.Event

    def inspect(self, now: float) -> None: ...


class EventHub:
    def __init__(
        self,
        event_id: int,
        db: Database,
        broker: Broker,
        *,
        ring_size: int,
        tick_seconds: float,
        poll_seconds: float,
        max_frame_entries: int,
        process_id: str,
    ) -> None:
        self.event_id = event_id
        self.db = db
        self._broker = broker
        # Encoded entries, per audience, contiguous, ending at received_seq.
        self._ring = EncodedRing(ring_size, max_frame_entries)
        self._tick = tick_seconds
        self._poll = poll_seconds
        self._degraded_poll = max(tick_seconds, DEGRADED_POLL_FLOOR_SECONDS)
        # Whether the broker confirmed this hub's subscription (and it has not been left),
        # and how many times it did.
        self.subscribed = False
        self._subscriptions = 0
        self._max_frame = max_frame_entries
        # Highest seq held contiguously in the ring (or known from the database at start).
        self.received_seq = 0
        # Highest seq that sockets may send: advanced on each tick.
        self.visible_seq = 0
        # The sockets of this hub: woken on every tick that shows something, and checked by
        # one watchdog a hub (heartbeats, stuck sends) instead of timers in every socket.
        self._watched: set[Watched] = set()
        self._arrived = asyncio.Event()
        # The poller does every journal read; poking it makes it read now. Stopping is a
        # flag it checks, so that no query is ever cancelled half-way.
        self._poke = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._poller_task: asyncio.Task[None] | None = None
        self._starting: asyncio.Task[None] | None = None
        self.sockets = 0
        self.presence = PresenceBoard(event_id, broker, process_id, on_change=self.wake_all)

    async def ready(self) -> None:
        """Returns once the hub can serve sockets; the first caller starts it. Its start is
        shared and shielded: a socket that leaves while waiting never cancels the query."""
        if self._starting is None:
            self._starting = asyncio.create_task(self._start(), name=f"hub-start-{self.event_id}")
        await asyncio.shield(self._starting)

    async def _start(self) -> None:
        # Serving needs only the journal's position, never the broker: the subscription is
        # made (and remade) by the listener, and until it is up the poller reads the journal
        # on every tick, a read that starts after the subscription covering what it missed.
        async with self.db.read_session() as session:
            self.received_seq = self.visible_seq = await journal.last_seq(session, self.event_id)
        self.presence.start()
        self._tasks.append(asyncio.create_task(self._listen(), name=f"hub-{self.event_id}"))
        self._tasks.append(asyncio.create_task(self._ticker(), name=f"hub-tick-{self.event_id}"))
        self._tasks.append(asyncio.create_task(self._watchdog(), name=f"hub-watch-{self.event_id}"))
        self._poller_task = asyncio.create_task(self._poller(), name=f"hub-poll-{self.event_id}")

    async def stop(self) -> None:
        if self._starting is not None:
            await asyncio.wait([self._starting], timeout=5)
        await self.presence.stop()
        self._stopping.set()
        self._poke.set()
        for task in self._tasks:
            task.cancel()
        tasks = [*self._tasks, *([self._poller_task] if self._poller_task else [])]
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=5)
        for task in pending:
            logger.warning("event %s: hub task %s did not stop in time", self.event_id, task)
            task.cancel()
        self.wake_all()

    def watch(self, connection: Watched) -> None:
        self._watched.add(connection)

    def unwatch(self, connection: Watched) -> None:
        self._watched.discard(connection)

    def wake_all(self) -> None:
        for connection in self._watched:
            connection.wake.set()

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
            now = time.monotonic()
            for connection in tuple(self._watched):
                connection.inspect(now)

    async def _listen(self) -> None:
        backoff = Backoff()
        while True:
            try:
                async with self._broker.subscribe(f"event:{self.event_id}") as queue:
                    self.subscribed = True
                    self._subscriptions += 1
                    backoff.reset()
                    while True:
                        self._take(await queue.get())
            except BrokerUnavailable as exc:
                logger.info("event %s: not subscribed to the broker (%s)", self.event_id, exc)
            except Exception:
                logger.exception("event %s: broker subscription failed", self.event_id)
            finally:
                self.subscribed = False
            await asyncio.sleep(backoff.next_delay())

    def _take(self, entries: list[dict[str, Any]]) -> None:
        try:
            self._accept(entries)
        except Exception:
            logger.exception("event %s: could not take in journal entries", self.event_id)

    def _accept(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            seq = entry["seq"]
            if seq <= self.received_seq:
                continue
            if seq > self.received_seq + 1:
                # Something before it is missing (lost, or late from another process):
                # the poller reads the journal from where we are, this one included.
                self._poke.set()
                break
            self._append(seq, entry)
        self._arrived.set()

    def _append(self, seq: int, entry: dict[str, Any]) -> None:
        # Only the next seq goes in, so the ring is always contiguous; anything else is
        # either known already or caught up from the journal by the next fill or poll.
        if seq == self.received_seq + 1:
            self._ring.append(entry)
            self.received_seq = seq

    async def _fill_from_journal(self, up_to: int | None = None) -> None:
        """Read what the broker did not bring (lost, late or out of order) from the journal."""
        while up_to is None or self.received_seq < up_to:
            async with self.db.read_session() as session:
                rows = await journal.read(
                    session, self.event_id, after_seq=self.received_seq, limit=self._max_frame * 4
                )
            if up_to is not None:
                rows = [row for row in rows if row["seq"] <= up_to]
            if not rows:
                break
            before = self.received_seq
            for row in rows:
                self._append(row["seq"], row)
            if self.received_seq == before:
                break
        self._arrived.set()

    async def _ticker(self) -> None:
        while True:
            await self._arrived.wait()
            await asyncio.sleep(self._tick)
            self._arrived.clear()
            if self.received_seq > self.visible_seq:
                self.visible_seq = self.received_seq
                self.wake_all()

    def _feed(self) -> tuple[int, int] | None:
        """While new entries reach this hub through the broker, what identifies that feed:
        it changes whenever the broker may have lost messages (see ``Broker.generation``)
        or the hub subscribed anew. None while they do not."""
        if not (self.subscribed and self._broker.healthy):
            return None
        return self._subscriptions, self._broker.generation

    async def _poller(self) -> None:
        # The feed under which the last poll started, and when: a poll that starts under
        # a feed has read everything committed before it, the feed brings the rest.
        polled_feed: tuple[int, int] | None = None
        polled_at = 0.0
        while not self._stopping.is_set():
            wait = FEED_CHECK_SECONDS if self._feed() is not None else self._degraded_poll
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._poke.wait()
            poked = self._poke.is_set()
            self._poke.clear()
            if self._stopping.is_set():
                return
            feed, now = self._feed(), time.monotonic()
            if feed is not None and feed == polled_feed and not poked:
                if now - polled_at < self._poll:
                    continue
            polled_feed, polled_at = feed, now
            try:
                async with self.db.read_session() as session:
                    latest = await journal.last_seq(session, self.event_id)
                if latest > self.received_seq:
                    await self._fill_from_journal(up_to=latest)
            except Exception:
                logger.exception("event %s: polling the journal failed", self.event_id)

    def frame_after(self, seq: int, audience: Audience = "team") -> tuple[str, int] | None:
        """The next frame for a socket at ``seq`` and the seq it ends at, from memory;
        None when the ring no longer holds what comes after ``seq`` (read the journal)."""
        if seq >= self.visible_seq:
            return None
        return self._ring.frame_after(
            seq, visible_seq=self.visible_seq, last_seq=self.received_seq, audience=audience
        )


class HubRegistry:
    """The hubs of this process, started with the first socket of an event and stopped
    when its last socket leaves."""

    def __init__(self, db: Database, broker: Broker, **hub_options: Any) -> None:
        self.db = db
        self._broker = broker
        self._options = {"process_id": uuid.uuid4().hex, **hub_options}
        self._hubs: dict[int, EventHub] = {}

    @contextlib.asynccontextmanager
    async def attach(self, event_id: int) -> Any:
        # No await between looking a hub up and counting the socket in, so no lock: a hub
        # that is slow to start holds only the sockets of its own event.
        hub = self._hubs.get(event_id)
        if hub is None:
            hub = self._hubs[event_id] = EventHub(event_id, self.db, self._broker, **self._options)
        hub.sockets += 1
        try:
            await hub.ready()
            yield hub
        finally:
            hub.sockets -= 1
            if hub.sockets == 0 and self._hubs.get(event_id) is hub:
                del self._hubs[event_id]
                await hub.stop()

    def announce_editing(
        self, event_id: int, person: dict[str, Any], draft_id: int, editing: bool
    ) -> None:
        """Tell every console of the event that ``person`` ({username, display_name, role})
        is editing ``draft_id`` (a heartbeat: it lapses after presence's expiry), or
        stopped."""
        name = editing_snapshot_name(self._options["process_id"], person["username"], draft_id)
        entries = [{**person, "editing": draft_id}] if editing else []
        self._broker.offer(f"presence:{event_id}", {"process": name, "connections": entries})
        hub = self._hubs.get(event_id)
        if hub is not None:
            hub.presence.take_editing(name, entries)

    def socket_counts(self) -> dict[int, int]:
        """Open sockets by event, for /metrics."""
        return {event_id: hub.sockets for event_id, hub in self._hubs.items()}

    async def stop(self) -> None:
        hubs = list(self._hubs.values())
        self._hubs.clear()
        for hub in hubs:
            await hub.stop()
