from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The broker could not do what was asked within its time bound (down, slow or hung)."""


class Broker(Protocol):
    @property
    def healthy(self) -> bool:
        """Whether messages flow now: published ones go out and subscribed channels are
        heard. When not, subscribers must read the journal themselves."""
        ...

    @property
    def generation(self) -> int:
        """Changes whenever messages may have been lost (a new connection, a failed send):
        a subscriber that read the journal before the change reads it once more after."""
        ...

    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    def offer(self, channel: str, message: Any) -> None:
        """Hand ``message`` over without waiting: sent in order, dropped if the broker is
        out (subscribers catch up from the journal)."""
        ...

    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[asyncio.Queue[Any]]:
        """Hear ``channel`` until the context exits: once entered, every message published
        after it arrives in the queue while the broker stays healthy. Raises
        :class:`BrokerUnavailable` if the subscription cannot be made in time."""
        ...


class MemoryBroker:
    """One process: each subscriber gets a bounded queue; a full queue drops the newest
    message and marks the subscriber as lagging (it must catch up from the journal)."""

    def __init__(self, queue_size: int = 10000) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Any]]] = {}
        self._queue_size = queue_size

    @property
    def healthy(self) -> bool:
        return True

    @property
    def generation(self) -> int:
        return 0

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._subscribers.clear()

    def offer(self, channel: str, message: Any) -> None:
        for queue in tuple(self._subscribers.get(channel, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                logger.debug("a subscriber of %s lags; it catches up from the journal", channel)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Any]]:
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self._queue_size)
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            yield queue
        finally:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._subscribers[channel]


def create_broker(url: str, namespace: str | None = None) -> Broker:
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        from app.broker.redis import RedisBroker

        return RedisBroker(url) if namespace is None else RedisBroker(url, namespace)
    raise ValueError(f"Unknown broker URL {url!r}: use memory:// or redis://")
