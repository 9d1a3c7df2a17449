"""Broker failures in ``/metrics``: Redis going away is counted, and writes carry on."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from app.config import Settings
from app.main import create_app
from tests.conftest import make_token
from tests.factories import mention_payload
from tests.ops.helpers import scrape

REDIS_SERVER = "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of this test's own (the shared one must never be stopped)."""
    port = _free_port()
    options = {"port": str(port), "bind": "127.0.0.1", "save": "", "appendonly": "no"}
    arguments = [part for name, value in options.items() for part in (f"--{name}", value)]
    process = subprocess.Popen(
        [REDIS_SERVER, *arguments, "--dir", str(tmp_path)], stdout=subprocess.DEVNULL
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                pass
            if process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield process, url
    finally:
        client.close()
        process.terminate()
        process.wait(10)


async def test_publishing_to_a_vanished_redis_is_counted_and_the_write_still_succeeds(
    settings: Settings,
    own_redis: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, url = own_redis
    settings.broker_url = url
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            token = await make_token(app.state.db, "pat", "producer")
            client.headers["Authorization"] = f"Bearer {token}"
            created = await client.post("/api/events", json={"name": "Final", "hashtags": []})
            assert created.status_code == 201, created.text
            event_id = created.json()["id"]
            before = await scrape(client)

            process.terminate()
            await asyncio.to_thread(process.wait, 10)
            response = await client.post(
                f"/api/events/{event_id}/mentions", json=[mention_payload(1)]
            )
            assert response.status_code == 200, response.text
            after = await scrape(client)

    assert after.value("cuedesk_broker_errors_total", operation="publish") == (
        before.value("cuedesk_broker_errors_total", operation="publish") + 1
    )
    assert after.value("cuedesk_ingest_mentions_total") == (
        before.value("cuedesk_ingest_mentions_total") + 1
    )
