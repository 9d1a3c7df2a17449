"""Sockets without a lasting secret in the URL: single-use tickets, and logs kept clean."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from websockets.exceptions import InvalidStatus

from app.auth.deps import SESSION_COOKIE
from app.config import Settings
from app.db import Database
from app.stream.models import StreamTicket
from tests.conftest import PASSWORD, make_token
from tests.stream.conftest import LiveServer, open_console

ROOT = Path(__file__).resolve().parents[2]


async def ticket_for(live: LiveServer, **headers: str) -> str:
    async with httpx.AsyncClient(base_url=live.http, headers=headers) as client:
        response = await client.post("/api/stream/tickets")
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"])


async def refused(url: str) -> int:
    with pytest.raises(InvalidStatus) as failure:
        async with open_console(url, None):
            pass
    return failure.value.response.status_code


async def test_a_ticket_opens_one_socket_once(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    ticket = await ticket_for(live, Authorization=f"Bearer {tokens['viewer']}")
    url = live.ws_url(stream_event) + f"?ticket={ticket}"
    async with open_console(url, None) as console:
        hello = await console.receive_type("hello")
    assert hello["event_id"] == stream_event
    assert await refused(url) == 403


async def test_an_expired_ticket_is_refused(
    live: LiveServer, stream_settings: Settings, tokens: dict[str, str], stream_event: int
) -> None:
    ticket = await ticket_for(live, Authorization=f"Bearer {tokens['viewer']}")
    db = Database(stream_settings.database_url_resolved)
    try:
        async with db.transaction() as session:
            await session.execute(
                update(StreamTicket).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        await db.dispose()
    assert await refused(live.ws_url(stream_event) + f"?ticket={ticket}") == 403


async def test_a_ticket_dies_with_the_login_it_was_made_with(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    """Made by a browser: logging out ends its unused tickets and closes the used ones."""
    async with httpx.AsyncClient(base_url=live.http, headers={"Origin": live.http}) as browser:
        login = await browser.post(
            "/api/auth/login", json={"username": "viewer-user", "password": PASSWORD}
        )
        assert login.status_code == 200
        cookie = {"Cookie": f"{SESSION_COOKIE}={browser.cookies[SESSION_COOKIE]}"}
        used = await ticket_for(live, Origin=live.http, **cookie)
        unused = await ticket_for(live, Origin=live.http, **cookie)
        async with open_console(live.ws_url(stream_event) + f"?ticket={used}", None) as console:
            await console.receive_type("hello")
            assert (await browser.post("/api/auth/logout")).status_code == 204
            assert await console.close_code() == 4401
    assert await refused(live.ws_url(stream_event) + f"?ticket={unused}") == 403


async def test_an_api_token_in_the_url_does_not_log_in(
    live: LiveServer, tokens: dict[str, str], stream_event: int
) -> None:
    assert await refused(live.ws_url(stream_event) + f"?token={tokens['viewer']}") == 403


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_secret_from_a_url_reaches_the_servers_log(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """A real uvicorn, started as production starts it, logging every request."""
    database = tmp_path / "cuedesk.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    db = Database(url)
    try:
        token = await make_token(db, "pat", "producer")
    finally:
        await db.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "CUEDESK_DATABASE_URL": url,
        "CUEDESK_BROKER_URL": "memory://",
        "CUEDESK_ENVIRONMENT": "test",
        "CUEDESK_DATA_DIR": str(tmp_path),
        "CUEDESK_MIGRATE_ON_START": "false",
    }
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "info",
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(
                base_url=base, headers={"Authorization": f"Bearer {token}"}
            ) as api:
                for _ in range(300):
                    try:
                        if (await api.get("/readyz")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.05)
                event = (await api.post("/api/events", json={"name": "Logged"})).json()
                ticket = (await api.post("/api/stream/tickets")).json()["ticket"]
                await api.get(f"/api/events?token={token}")
            ws = f"ws://127.0.0.1:{port}/ws/events/{event['id']}"
            async with open_console(f"{ws}?ticket={ticket}", None) as console:
                await console.receive_type("hello")
            assert await refused(f"{ws}?token={token}") == 403
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), 10)
    written = log.read_text()
    assert "WebSocket /ws/events/" in written and "GET /api/events?token=" in written
    assert token not in written
    assert ticket not in written
    assert written.count("[redacted]") >= 3
