"""A Redis that is down, paused or hung never holds a write nor freezes the stream: a real
server on a Redis of the test's own, real websocket consoles, and the fault done to the
real Redis (``CLIENT PAUSE``, SIGSTOP for a hang, a kill for a stop)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
import pytest

from app.broker.redis import DEFAULT_NAMESPACE
from app.config import Settings
from tests.factories import mention_payload
from tests.redis_server import PrivateRedis, private_redis
from tests.stream.conftest import Console, LiveServer, open_console

__all__ = ["private_redis"]

# Generous bounds for a busy two-core box; Redis is out for far longer than any of them.
PROMPTLY = 5.0
WITHIN = 30.0


@pytest.fixture
def stream_settings(database_url: str, tmp_path: Path, private_redis: PrivateRedis) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        broker_url=private_redis.url,
        migrate_on_start=False,
        stream_tick_ms=10,
        # Longer than any test waits: what consoles get comes through Redis, or from the
        # journal read on the hub's tick while Redis is out; the slow poll plays no part.
        stream_poll_seconds=300,
    )


def fail(private_redis: PrivateRedis, fault: str) -> None:
    if fault == "hung":
        private_redis.hang()
    else:
        private_redis.stop()


async def ingest(api: httpx.AsyncClient, event_id: int, ids: range) -> float:
    """Posts the mentions; returns how long the request took."""
    started = asyncio.get_running_loop().time()
    response = await api.post(
        f"/api/events/{event_id}/mentions",
        json=[mention_payload(i) for i in ids],
        timeout=WITHIN,
    )
    assert response.status_code == 200, response.text
    return asyncio.get_running_loop().time() - started


async def test_writes_return_promptly_while_redis_is_paused(
    live: LiveServer, api: httpx.AsyncClient, stream_event: int, private_redis: PrivateRedis
) -> None:
    await private_redis.pause_clients(60)
    durations = [await ingest(api, stream_event, range(n * 5, n * 5 + 5)) for n in range(4)]
    assert sum(durations) < PROMPTLY, durations
    listed = await api.get(f"/api/events/{stream_event}/mentions", params={"limit": 100})
    assert len(listed.json()["items"]) == 20


@pytest.mark.parametrize("fault", ["hung", "stopped"])
async def test_consoles_keep_streaming_every_mention_while_redis_is_out(
    live: LiveServer,
    api: httpx.AsyncClient,
    tokens: dict[str, str],
    stream_event: int,
    private_redis: PrivateRedis,
    fault: str,
) -> None:
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        await ingest(api, stream_event, range(5))
        await console.until_seq(6)  # through Redis
        for batch in range(1, 21):
            if batch == 5:
                fail(private_redis, fault)  # mid-ingest
            duration = await ingest(api, stream_event, range(batch * 5, batch * 5 + 5))
            assert duration < PROMPTLY
            await asyncio.sleep(0.05)
        await console.until_seq(106, timeout=WITHIN)
    assert console.seqs == list(range(2, 107))
    assert console.entries[-1]["data"]["external_id"] == "104"


@pytest.mark.parametrize("fault", ["hung", "stopped"])
async def test_when_redis_is_back_the_hub_subscribes_again_and_consoles_follow(
    live: LiveServer,
    api: httpx.AsyncClient,
    tokens: dict[str, str],
    stream_event: int,
    private_redis: PrivateRedis,
    fault: str,
) -> None:
    channel = f"{DEFAULT_NAMESPACE}event:{stream_event}"
    async with open_console(live.ws_url(stream_event, 1), tokens["viewer"]) as console:
        await console.receive_type("hello")
        assert await private_redis.subscribers(channel) == 1
        fail(private_redis, fault)
        await ingest(api, stream_event, range(5))
        await console.until_seq(6, timeout=WITHIN)
        await asyncio.sleep(6)  # long enough for the broker to give the connection up
        if fault == "hung":
            private_redis.resume()
        else:
            await private_redis.start()
        deadline = asyncio.get_running_loop().time() + WITHIN
        while not (await private_redis.subscribers(channel) == 1 and live.app.state.broker.healthy):
            assert asyncio.get_running_loop().time() < deadline, "the hub did not subscribe again"
            await asyncio.sleep(0.1)
        await ingest(api, stream_event, range(5, 10))
        await console.until_seq(11, timeout=PROMPTLY)
    assert console.seqs == list(range(2, 12))


@pytest.mark.parametrize("fault", ["hung", "stopped"])
async def test_consoles_connecting_while_redis_is_out_get_their_stream(
    live: LiveServer,
    api: httpx.AsyncClient,
    tokens: dict[str, str],
    stream_event: int,
    private_redis: PrivateRedis,
    fault: str,
) -> None:
    """Neither the first console's hub, whose subscription fails or hangs, nor the hubs'
    registry holds up a console of the same event or of another one."""
    response = await api.post("/api/events", json={"name": "Semi Final"})
    other_event = int(response.json()["id"])
    fail(private_redis, fault)
    async with contextlib.AsyncExitStack() as consoles:

        async def connected(event_id: int, token: str) -> Console:
            url = live.ws_url(event_id, 1)
            console = await consoles.enter_async_context(open_console(url, token))
            hello = await console.receive_type("hello", timeout=PROMPTLY)
            assert hello["event_id"] == event_id
            return console

        first, same_event, other = await asyncio.gather(
            connected(stream_event, tokens["viewer"]),
            connected(stream_event, tokens["operator"]),
            connected(other_event, tokens["viewer"]),
        )
        await ingest(api, stream_event, range(3))
        await ingest(api, other_event, range(3, 6))
        for console in (first, same_event, other):
            await console.until_seq(4, timeout=WITHIN)
    assert first.seqs == same_event.seqs == other.seqs == [2, 3, 4]
    assert [e["data"]["external_id"] for e in other.entries] == ["3", "4", "5"]


async def test_presence_shows_this_servers_consoles_while_redis_is_out(
    live: LiveServer, tokens: dict[str, str], stream_event: int, private_redis: PrivateRedis
) -> None:
    private_redis.stop()
    async with open_console(live.ws_url(stream_event), tokens["operator"]) as console:
        await console.receive_type("hello", timeout=PROMPTLY)
        await console.socket.send('{"type":"view","viewing":"feed"}')
        deadline = asyncio.get_running_loop().time() + WITHIN
        while True:
            frame = await console.receive_type("presence", timeout=WITHIN)
            if frame["users"] and frame["users"][0]["viewing"] == ["feed"]:
                break
            assert asyncio.get_running_loop().time() < deadline
    assert [user["username"] for user in frame["users"]] == ["operator-user"]
