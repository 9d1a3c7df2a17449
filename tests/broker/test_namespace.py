"""Two Cuedesks (two databases, so the same event ids) sharing one Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from app.broker.redis import RedisBroker
from tests.redis_server import PrivateRedis

WITHIN = 20.0


@pytest.fixture
async def brokers(private_redis: PrivateRedis) -> AsyncIterator[dict[str, RedisBroker]]:
    made = {
        "cup final": RedisBroker(private_redis.url, "cuedesk:cup-final:"),
        "cup final, second process": RedisBroker(private_redis.url, "cuedesk:cup-final:"),
        "awards": RedisBroker(private_redis.url, "cuedesk:awards:"),
    }
    for broker in made.values():
        await broker.connect()
    yield made
    for broker in made.values():
        await broker.disconnect()


async def test_an_event_is_heard_only_by_the_processes_of_its_own_cuedesk(
    brokers: dict[str, RedisBroker],
) -> None:
    async with AsyncExitStack() as stack:
        same = await stack.enter_async_context(
            brokers["cup final, second process"].subscribe("event:1")
        )
        other = await stack.enter_async_context(brokers["awards"].subscribe("event:1"))
        # Offered until heard: a subscription is confirmed before subscribe() returns,
        # but the publisher's own connection may still be starting.
        async with asyncio.timeout(WITHIN):
            while same.empty():
                brokers["cup final"].offer("event:1", [{"seq": 7}])
                await asyncio.sleep(0.1)
        assert same.get_nowait() == [{"seq": 7}]
        await asyncio.sleep(0.3)
        assert other.empty(), "the other Cuedesk heard an event of the cup final"
