"""Redis pub/sub: one connection per process listens and fans out to local subscribers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from redis.asyncio import Redis

from app.broker.base import MemoryBroker
from app.ops import metrics

logger = logging.getLogger(__name__)


class RedisBroker:
    def __init__(self, url: str) -> None:
        self._url = url
        self._redis: Redis | None = None
        self._local = MemoryBroker()
        self._channels: dict[str, int] = {}
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._outgoing: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=10000)
        self._sender: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._redis = Redis.from_url(self._url)
        await self._redis.ping()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._listener = asyncio.create_task(self._listen(), name="redis-broker-listener")
        self._sender = asyncio.create_task(self._send(), name="redis-broker-sender")

    async def disconnect(self) -> None:
        for task in (self._sender, self._listener):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._redis is not None:
            await self._redis.aclose()

    async def publish(self, channel: str, message: Any) -> None:
        assert self._redis is not None, "broker not connected"
        await self._redis.publish(channel, orjson.dumps(message))

    def offer(self, channel: str, message: Any) -> None:
        try:
            self._outgoing.put_nowait((channel, orjson.dumps(message)))
        except asyncio.QueueFull:
            metrics.BROKER_ERRORS.labels("publish").inc()
            logger.warning(
                "redis broker: outgoing queue full; %s catches up from the journal", channel
            )

    async def _send(self) -> None:
        """Publishes offered messages one after another, so that they leave in order."""
        while True:
            channel, data = await self._outgoing.get()
            try:
                assert self._redis is not None
                await self._redis.publish(channel, data)
            except Exception:
                metrics.BROKER_ERRORS.labels("publish").inc()
                logger.exception("redis broker: publishing on %s failed", channel)

    async def _listen(self) -> None:
        while True:
            try:
                if not self._channels:
                    await asyncio.sleep(0.05)
                    continue
                message = await self._pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"].decode()
                await self._local.publish(channel, orjson.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                # Subscribers catch up from the journal; keep listening after a blip.
                metrics.BROKER_ERRORS.labels("listen").inc()
                logger.exception("redis broker listener failed; retrying")
                await asyncio.sleep(0.5)
                with contextlib.suppress(Exception):
                    if self._channels:
                        await self._pubsub.subscribe(*self._channels)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Any]]:
        if self._channels.get(channel, 0) == 0:
            await self._pubsub.subscribe(channel)
        self._channels[channel] = self._channels.get(channel, 0) + 1
        try:
            async with self._local.subscribe(channel) as queue:
                yield queue
        finally:
            self._channels[channel] -= 1
            if self._channels[channel] == 0:
                del self._channels[channel]
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(channel)
