"""Two real server processes share PostgreSQL and Redis, each running its scheduler and
its outbox: every scheduled cue fires once and each of its posts is published once.
Collected only when both URLs are set (see conftest.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.db import Database
from tests.conftest import REDIS_URL, _truncate_postgres, make_token
from tests.cues.helpers import later
from tests.factories import insert_draft, thread

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server_process(database_url: str, data_dir: Path) -> Iterator[str]:
    """One server, started the way production starts one; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "CUEDESK_DATABASE_URL": database_url,
        "CUEDESK_BROKER_URL": REDIS_URL,
        "CUEDESK_ENVIRONMENT": "test",
        "CUEDESK_DATA_DIR": str(data_dir),
        "CUEDESK_MIGRATE_ON_START": "false",
        "CUEDESK_PUBLISH_POLL_SECONDS": "0.1",
    }
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            if process.poll() is not None:
                raise AssertionError(f"server exited with {process.returncode}")
            try:
                if httpx.get(f"{base}/readyz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        else:
            raise AssertionError("server did not become ready")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def shared_database(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_truncate_postgres(url))
    return url


@pytest.fixture
def two_servers(shared_database: str, tmp_path: Path) -> Iterator[list[str]]:
    with (
        server_process(shared_database, tmp_path / "a") as first,
        server_process(shared_database, tmp_path / "b") as second,
    ):
        yield [first, second]


async def test_scheduled_cues_fire_once_with_two_server_processes(
    two_servers: list[str], shared_database: str
) -> None:
    db = Database(shared_database)
    try:
        token = await make_token(db, "pat", "producer")
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=two_servers[0], headers=headers) as api:
            event_id = (await api.post("/api/events", json={"name": "Two processes"})).json()["id"]
            fire_at = later(8)
            cue_ids = []
            for n in range(5):
                # Half the cues created through each server: each wakes its own scheduler.
                response = await api.post(
                    f"{two_servers[n % 2]}/api/events/{event_id}/cues",
                    json={"title": f"Cue {n}", "trigger": "at_time", "fire_at": fire_at},
                )
                assert response.status_code == 201, response.text
                cue_ids.append(response.json()["id"])
            async with db.transaction() as session:
                for cue_id in cue_ids:
                    for position in range(2):
                        await insert_draft(
                            session,
                            event_id,
                            cue=cue_id,
                            position=position,
                            content=thread({"x": "Now!", "mastodon": "Now!"}),
                        )
            journal = await _journal_until(api, event_id, "post.published", 20, timeout=30)
            await asyncio.sleep(1.5)  # a second firing or post would show by now
            journal = (await api.get(f"/api/events/{event_id}/journal")).json()["entries"]
            posts = (await api.get(f"/api/events/{event_id}/posts")).json()["posts"]
    finally:
        await db.dispose()
    types = [e["type"] for e in journal]
    assert types.count("cue.fired") == 5
    assert types.count("post.published") == 20
    assert len(posts) == 20 and {p["status"] for p in posts} == {"published"}
    assert {p["attempts"] for p in posts} == {1}


async def _journal_until(
    api: httpx.AsyncClient, event_id: int, kind: str, count: int, *, timeout: float
) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        entries = (await api.get(f"/api/events/{event_id}/journal")).json()["entries"]
        if sum(e["type"] == kind for e in entries) >= count or time.monotonic() > deadline:
            return list(entries)
        await asyncio.sleep(0.1)
