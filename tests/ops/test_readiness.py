"""Readiness for load balancers: ready or not, and nothing about why for anonymous callers."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.redis_server import PrivateRedis, private_redis

__all__ = ["private_redis"]


async def test_a_process_that_reaches_its_database_is_ready(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "broker": "ok"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_an_unreachable_database_is_not_ready_and_the_reason_goes_to_the_log(
    app: Any, anon: httpx.AsyncClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    path = Path(settings.database_url_resolved.removeprefix("sqlite+aiosqlite:///"))
    # The database file turns into something SQLite cannot open, and the pooled connections
    # (which keep the old file open) go, so the next check meets it as a restart would.
    await app.state.db.dispose()
    _replace_with_a_folder(path)

    with caplog.at_level(logging.ERROR):
        response = await anon.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "unable to open database file" in caplog.text


def _replace_with_a_folder(path: Path) -> None:
    # A background worker's connection, opening in its thread, may create the file again
    # between the two calls: take it away again until the folder stands.
    for _ in range(100):
        path.unlink(missing_ok=True)
        try:
            path.mkdir()
            return
        except FileExistsError:
            continue
    raise AssertionError(f"{path} kept coming back as a file")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_process_whose_redis_is_gone_stays_ready_and_says_fan_out_is_degraded(
    settings: Settings, private_redis: PrivateRedis
) -> None:
    settings.broker_url = private_redis.url
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
            assert (await anon.get("/readyz")).json() == {"status": "ok", "broker": "ok"}
            private_redis.stop()
            # The listener calls a silent Redis unhealthy after a second and a half.
            deadline = asyncio.get_running_loop().time() + 20
            while (response := await anon.get("/readyz")).json()["broker"] == "ok":
                assert asyncio.get_running_loop().time() < deadline, "never said degraded"
                await asyncio.sleep(0.2)
            assert response.status_code == 200
            assert response.json() == {"status": "ok", "broker": "degraded"}
