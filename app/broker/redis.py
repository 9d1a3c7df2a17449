"""Redis pub/sub: one connection per process listens and fans out to local subscribers.

Redis only wakes the hubs, so nothing here waits on it for long. Every call is bounded; a
message that cannot go out is dropped (the hubs read it from the journal); the listener
pings its connection, gives up on one that stays silent (Redis down, paused or hung), and
connects and subscribes again with backoff. ``healthy`` tells the hubs when to stop relying
on Redis and read the journal on their tick instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app.broker.base import BrokerUnavailable, MemoryBroker
from app.common.backoff import Backoff
from app.ops import metrics

logger = logging.getLogger(__name__)

# Any one command (publish, subscribe, ping) and any connection attempt.
CALL_TIMEOUT_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 2.0
# The listener pings this often; unanswered for SILENT_AFTER it is not healthy (the hubs
# read the journal), for DEAD_AFTER it is given up and a new connection is made.
PING_EVERY_SECONDS = 0.5
SILENT_AFTER_SECONDS = 1.5
DEAD_AFTER_SECONDS = 5.0
# After a failed publish, this process's own messages may be missing for a while.
PUBLISH_FAILURE_MEMORY_SECONDS = 5.0
OUTGOING_QUEUE_SIZE = 10000
DEFAULT_NAMESPACE = "cuedesk:"


class RedisBroker:
    def __init__(self, url: str, namespace: str = DEFAULT_NAMESPACE) -> None:
        # Every channel goes over the wire under this prefix, so that two Cuedesks (their
        # own databases, hence their own event ids) sharing one Redis never hear each other.
        self._namespace = namespace
        # No retries inside redis-py: a retry would double every bound, and the listener
        # reconnects on its own terms. No health_check_interval either: redis-py's pub/sub
        # health check sends a PING but never notices that the answer did not come; the
        # listener's own ping does.
        self._redis = Redis.from_url(
            url,
            socket_timeout=CALL_TIMEOUT_SECONDS,
            socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
        self._local = MemoryBroker()
        # Subscribers of each channel in this process.
        self._channels: dict[str, int] = {}
        # The listener's current connection (None between connections) and, on it: the
        # channels Redis confirmed, subscriptions awaiting confirmation (True once
        # confirmed, False if the connection went first), and unsubscribes not yet answered.
        self._pubsub: PubSub | None = None
        self._confirmed: set[str] = set()
        self._waiters: dict[str, asyncio.Future[bool]] = {}
        self._leaving: dict[str, int] = {}
        self._heard = False
        self._last_heard = 0.0
        self._session_up = asyncio.Event()
        self._down_since: float | None = None
        self._closing = False
        self._listener: asyncio.Task[None] | None = None
        self._outgoing: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(OUTGOING_QUEUE_SIZE)
        self._sender: asyncio.Task[None] | None = None
        self._publish_failed_at: float | None = None
        self._overflow_logged = False
        # Messages never sent (Redis out, or the outgoing queue full); read by metrics.
        self.dropped_messages = 0
        self._generation = 0

    @property
    def healthy(self) -> bool:
        if self._pubsub is None or not self._heard:
            return False
        now = time.monotonic()
        if now - self._last_heard > SILENT_AFTER_SECONDS:
            return False
        failed_at = self._publish_failed_at
        if failed_at is not None and now - failed_at < PUBLISH_FAILURE_MEMORY_SECONDS:
            return False
        return self._confirmed.issuperset(self._channels)

    def _wire(self, channel: str) -> str:
        return f"{self._namespace}{channel}"

    @property
    def generation(self) -> int:
        return self._generation

    async def connect(self) -> None:
        """Start listening and sending. A Redis that is out does not stop the process from
        starting: consoles read the journal until it comes back."""
        self._listener = asyncio.create_task(self._listen(), name="redis-broker-listener")
        self._sender = asyncio.create_task(self._send(), name="redis-broker-sender")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS + CALL_TIMEOUT_SECONDS):
                await self._session_up.wait()

    async def disconnect(self) -> None:
        # Cancelled again until they end: redis-py can turn a cancellation that lands
        # beside one of its own timeouts into a timeout error, which the tasks retry.
        self._closing = True
        tasks = {task for task in (self._sender, self._listener) if task is not None}
        for _attempt in range(10):
            if not tasks:
                break
            for task in tasks:
                task.cancel()
            _done, tasks = await asyncio.wait(tasks, timeout=1)
        for task in tasks:
            logger.warning("redis broker: %s did not stop", task.get_name())
        with contextlib.suppress(Exception):
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                await self._redis.aclose()

    def offer(self, channel: str, message: Any) -> None:
        try:
            self._outgoing.put_nowait((channel, orjson.dumps(message)))
        except asyncio.QueueFull:
            metrics.BROKER_ERRORS.labels("publish").inc()
            self.dropped_messages += 1
            self._generation += 1
            if not self._overflow_logged:
                self._overflow_logged = True
                logger.warning(
                    "redis broker: outgoing queue full; dropping messages until Redis keeps "
                    "up (hubs read them from the journal)"
                )

    async def _send(self) -> None:
        """Publishes offered messages one after another, so that they leave in order. When
        one cannot go out in time the ones queued behind it are dropped too: by the time
        Redis is back the hubs have read them from the journal."""
        backoff = Backoff(first=0.1, cap=2.0)
        while not self._closing:
            channel, data = await self._outgoing.get()
            try:
                async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                    await self._redis.publish(self._wire(channel), data)
            except Exception as exc:
                self._publish_failed(channel, exc)
                await asyncio.sleep(backoff.next_delay())
            else:
                if self._publish_failed_at is not None:
                    logger.warning("redis broker: publishing works again")
                    self._publish_failed_at = None
                backoff.reset()
                self._overflow_logged = False

    def _publish_failed(self, channel: str, exc: Exception) -> None:
        metrics.BROKER_ERRORS.labels("publish").inc()
        first = self._publish_failed_at is None
        self._publish_failed_at = time.monotonic()
        self._generation += 1
        dropped = 1
        while not self._outgoing.empty():
            self._outgoing.get_nowait()
            dropped += 1
        self.dropped_messages += dropped
        logger.log(
            logging.WARNING if first else logging.DEBUG,
            "redis broker: publishing on %s failed (%r); %d message(s) dropped, hubs read "
            "them from the journal",
            channel,
            exc,
            dropped,
        )

    # -- listening -------------------------------------------------------------------------

    async def _listen(self) -> None:
        backoff = Backoff(first=0.1, cap=5.0)
        while not self._closing:
            try:
                await self._session(backoff)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                metrics.BROKER_ERRORS.labels("listen").inc()
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    logger.warning(
                        "redis broker: connection lost (%r); reconnecting, consoles read the "
                        "journal meanwhile",
                        exc,
                    )
                else:
                    logger.debug("redis broker: still unreachable (%r)", exc)
            await asyncio.sleep(backoff.next_delay())

    async def _session(self, backoff: Backoff) -> None:
        """One connection: subscribe to every channel wanted, then read until it fails."""
        pubsub = self._redis.pubsub()
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS + CALL_TIMEOUT_SECONDS):
                await pubsub.ping()  # connects; the answer is read below like any message
            self._pubsub = pubsub
            self._heard = False
            channels = list(self._channels)
            loop = asyncio.get_running_loop()
            for channel in channels:
                self._waiters[channel] = loop.create_future()
            if channels:
                await self._command(pubsub, pubsub.subscribe(*map(self._wire, channels)))
            await self._read(pubsub, backoff)
        finally:
            if self._pubsub is pubsub:
                self._end_session()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                    await pubsub.aclose()

    async def _read(self, pubsub: PubSub, backoff: Backoff) -> None:
        started = pinged_at = time.monotonic()
        while self._pubsub is pubsub:
            now = time.monotonic()
            if now - max(started, self._last_heard) > DEAD_AFTER_SECONDS:
                raise BrokerUnavailable(f"redis answered nothing for {DEAD_AFTER_SECONDS:.0f} s")
            if now - pinged_at >= PING_EVERY_SECONDS:
                pinged_at = now
                await self._command(pubsub, pubsub.ping())
            async with asyncio.timeout(PING_EVERY_SECONDS + CALL_TIMEOUT_SECONDS):
                message = await pubsub.get_message(timeout=PING_EVERY_SECONDS)
            if message is None:
                continue
            self._last_heard = time.monotonic()
            if not self._heard:
                self._heard = True
                self._session_up.set()
                backoff.reset()
                if self._down_since is not None:
                    logger.warning(
                        "redis broker: reconnected after %.1f s",
                        time.monotonic() - self._down_since,
                    )
                    self._down_since = None
            self._take(message)
        raise BrokerUnavailable("the connection was given up")

    def _take(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "pong":
            return
        wire_channel = message["channel"].decode()
        if not wire_channel.startswith(self._namespace):
            return  # not ours: another namespace's subscription answered on a reused name
        channel = wire_channel[len(self._namespace) :]
        if kind == "message":
            try:
                payload = orjson.loads(message["data"])
            except orjson.JSONDecodeError:
                logger.warning("redis broker: ignoring a message on %s that is not JSON", channel)
                return
            self._local.offer(channel, payload)
        elif kind == "subscribe":
            if self._leaving.get(channel):
                return  # the answer to a subscription that an unsubscribe already overtook
            self._confirmed.add(channel)
            self._settle(channel, True)
        elif kind == "unsubscribe" and channel in self._leaving:
            self._leaving[channel] -= 1
            if not self._leaving[channel]:
                del self._leaving[channel]

    def _settle(self, channel: str, confirmed: bool) -> None:
        waiter = self._waiters.pop(channel, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(confirmed)

    def _end_session(self) -> None:
        self._generation += 1
        self._pubsub = None
        self._heard = False
        self._session_up.clear()
        self._confirmed.clear()
        self._leaving.clear()
        for channel in list(self._waiters):
            self._settle(channel, False)

    async def _command(self, pubsub: PubSub, call: Awaitable[Any]) -> None:
        """Send a command on the listener's connection within the bound; a connection that
        cannot take one may be left half-written, so it is given up."""
        try:
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                await call
        except Exception as exc:
            if self._pubsub is pubsub:
                self._end_session()
            raise BrokerUnavailable(f"redis did not take a command in time ({exc!r})") from exc

    # -- subscribing -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Any]]:
        self._channels[channel] = self._channels.get(channel, 0) + 1
        try:
            async with self._local.subscribe(channel) as queue:
                await self._join(channel)
                yield queue
        finally:
            self._channels[channel] -= 1
            if not self._channels[channel]:
                del self._channels[channel]
                await self._leave(channel)

    async def _join(self, channel: str) -> None:
        """Returns once Redis confirmed the subscription on the current connection."""
        if channel in self._confirmed:
            return
        waiter = self._waiters.get(channel)
        if waiter is None:
            pubsub = self._pubsub
            if pubsub is None:
                raise BrokerUnavailable("redis is unreachable")
            waiter = self._waiters[channel] = asyncio.get_running_loop().create_future()
            await self._command(pubsub, pubsub.subscribe(self._wire(channel)))
        try:
            async with asyncio.timeout(CALL_TIMEOUT_SECONDS):
                confirmed = await asyncio.shield(waiter)
        except TimeoutError:
            confirmed = False
        if not confirmed:
            raise BrokerUnavailable(f"redis did not confirm the subscription to {channel}")

    async def _leave(self, channel: str) -> None:
        self._confirmed.discard(channel)
        self._settle(channel, False)
        pubsub = self._pubsub
        if pubsub is None:
            return  # the next connection subscribes only to channels still wanted
        self._leaving[channel] = self._leaving.get(channel, 0) + 1
        with contextlib.suppress(BrokerUnavailable):
            await self._command(pubsub, pubsub.unsubscribe(self._wire(channel)))
