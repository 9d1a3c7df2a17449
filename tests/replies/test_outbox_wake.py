"""A reply is sent at once after its commit, even while the broker is down: waking the
outbox is after-commit work of its own, not a passenger of the broker's publish."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import redis.asyncio as redis_client

from app.config import Settings
from tests.replies.conftest import claim, wait_for_entry

REDIS_SERVER = "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of this test's own (the shared one is never stopped)."""
    port = _free_port()
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        yield server, f"redis://127.0.0.1:{port}/0"
    finally:
        server.kill()
        server.wait(10)


@pytest.fixture
async def redis_up(own_redis: tuple[subprocess.Popen[bytes], str]) -> AsyncIterator[str]:
    url = own_redis[1]
    client = redis_client.from_url(url)
    try:
        async with asyncio.timeout(10):
            while True:
                try:
                    await client.ping()
                    break
                except redis_client.ConnectionError:
                    await asyncio.sleep(0.05)
    finally:
        await client.aclose()
    yield url


@pytest.fixture
def settings(settings: Settings, redis_up: str) -> Settings:
    settings.broker_url = redis_up
    # Far beyond the test's wait: only the wake-up can send the reply in time.
    settings.publish_poll_seconds = 600
    return settings


async def test_a_reply_is_sent_at_once_while_the_broker_is_down(
    own_redis: tuple[subprocess.Popen[bytes], str],
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
) -> None:
    fence = await claim(olive, mention_id)
    server = own_redis[0]
    server.kill()
    server.wait(10)

    response = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": "Thanks!", "fence": fence}
    )

    assert response.status_code == 201, response.text
    (published,) = await wait_for_entry(producer, event_id, "reply.published", timeout=20)
    assert published["data"]["reply"]["id"] == response.json()["id"]
