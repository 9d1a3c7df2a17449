"""The Redis broker against a Redis of the test's own that hangs (SIGSTOP: connections stay
open, nothing is answered) or is stopped and started again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from app.broker import BrokerUnavailable
from app.broker.redis import DEFAULT_NAMESPACE, OUTGOING_QUEUE_SIZE, RedisBroker
from tests.redis_server import PrivateRedis

# Generous: a busy two-core box, and noticing a silent Redis takes seconds by design.
WITHIN = 20.0


@pytest.fixture
async def broker(private_redis: PrivateRedis) -> AsyncIterator[RedisBroker]:
    broker = RedisBroker(private_redis.url)
    await broker.connect()
    yield broker
    private_redis.resume()
    await broker.disconnect()


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + WITHIN
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"waited {WITHIN:.0f} s for {what}")
        await asyncio.sleep(0.05)


async def publish_until_heard(
    private_redis: PrivateRedis, channel: str, queue: asyncio.Queue[Any]
) -> Any:
    """What another process publishing on ``channel`` would be heard as, once it is."""
    async with Redis.from_url(private_redis.url, socket_timeout=5) as other_process:

        async def heard() -> bool:
            await other_process.publish(f"{DEFAULT_NAMESPACE}{channel}", b'{"seq": 1}')
            await asyncio.sleep(0.1)
            return not queue.empty()

        await until(heard, f"a message on {channel}")
    return queue.get_nowait()


async def test_subscribing_while_redis_hangs_gives_up_within_its_bound(
    broker: RedisBroker, private_redis: PrivateRedis
) -> None:
    private_redis.hang()
    async with asyncio.timeout(WITHIN):
        with pytest.raises(BrokerUnavailable):
            async with broker.subscribe("event:1"):
                pass


@pytest.mark.parametrize("fault", ["hang", "restart"])
async def test_a_subscription_is_unhealthy_during_an_outage_and_heard_again_after_it(
    broker: RedisBroker, private_redis: PrivateRedis, fault: str
) -> None:
    async with broker.subscribe("event:1") as queue:
        assert broker.healthy
        if fault == "hang":
            private_redis.hang()
        else:
            private_redis.stop()

        async def unhealthy() -> bool:
            return not broker.healthy

        await until(unhealthy, "the broker to notice the outage")
        if fault == "hang":
            private_redis.resume()
        else:
            await private_redis.start()
        # Nothing is asked of the subscriber: the broker connects and subscribes again.
        assert await publish_until_heard(private_redis, "event:1", queue) == {"seq": 1}

        async def healthy() -> bool:
            return broker.healthy

        await until(healthy, "the broker to be healthy again")


async def test_messages_offered_while_redis_hangs_are_dropped_not_sent_late(
    broker: RedisBroker, private_redis: PrivateRedis
) -> None:
    """Hubs read what Redis missed from the journal; sending a backlog of stale messages
    once it answers again would only delay the fresh ones behind it."""
    async with broker.subscribe("event:1") as queue:
        private_redis.hang()
        stale = OUTGOING_QUEUE_SIZE * 2
        for seq in range(stale):
            broker.offer("event:1", {"seq": seq})

        async def all_dropped() -> bool:
            return broker.dropped_messages >= stale

        await until(all_dropped, "the offered messages to be dropped")
        private_redis.resume()

        async def healthy() -> bool:
            return broker.healthy

        await until(healthy, "the broker to be healthy again")
        broker.offer("event:1", {"seq": "fresh"})
        heard = []
        async with asyncio.timeout(WITHIN):
            while not heard or heard[-1] != {"seq": "fresh"}:
                heard.append(await queue.get())
    # At most the one publish that was on the wire when Redis hung.
    assert len(heard) <= 2
