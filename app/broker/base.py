from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class Broker(Protocol):
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, channel: str, message: Any) -> None: ...
    def offer(self, channel: str, message: Any) -> None:
        """Hand ``message`` over without waiting: sent in order, dropped if the broker is
        out (subscribers catch up from the journal)."""
        ...

    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[asyncio.Queue[Any]]: ...


class MemoryBroker:
    """One process: each subscriber gets a bounded queue; a full queue drops the newest
    message and marks the subscriber as lagging (it must catch up from the journal)."""

    def __init__(self, queue_size: int = 10000) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Any]]] = {}
        self._queue_size = queue_size

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._subscribers.clear()

    async def publish(self, channel: str, message: Any) -> None:
        self.offer(channel, message)

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


def create_broker(url: str) -> Broker:
    if url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        from app.broker.redis import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"Unknown broker URL {url!r}: use memory:// or redis://")
