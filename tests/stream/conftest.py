"""A real server for the stream tests: uvicorn on a free port, in the test's event loop,
and real websocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.auth.deps import SESSION_COOKIE
from app.config import Settings
from app.main import create_app
from tests.conftest import BROKER_BACKENDS, POSTGRES_URL, REDIS_URL, make_token

# Two server processes need a database and a broker that both can reach.
collect_ignore = [] if POSTGRES_URL and REDIS_URL else ["test_two_processes.py"]


@dataclass
class LiveServer:
    app: Any
    server: uvicorn.Server
    port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, event_id: int, after_seq: int | None = None) -> str:
        query = "" if after_seq is None else f"?after_seq={after_seq}"
        return f"ws://127.0.0.1:{self.port}/ws/events/{event_id}{query}"


@contextlib.asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(app, server, port)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture(params=BROKER_BACKENDS)
def stream_settings(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Settings:
    broker = "memory://" if request.param == "memory" else REDIS_URL
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path,
        broker_url=broker,
        migrate_on_start=False,
        allowed_origins=["http://console.example"],
        stream_tick_ms=10,
        stream_poll_seconds=0.5,
    )


@pytest.fixture
async def live(stream_settings: Settings) -> AsyncIterator[LiveServer]:
    async with serve(stream_settings) as server:
        yield server


@dataclass
class Console:
    """A websocket client that records every frame it is sent."""

    socket: ClientConnection
    entries: list[dict[str, Any]] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        frame: dict[str, Any] = orjson.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        self.frames.append(frame)
        if frame["type"] == "entries":
            self.entries.extend(frame["entries"])
        return frame

    async def receive_type(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            frame = await self.receive(max(remaining, 0.01))
            if frame["type"] == kind:
                return frame

    async def until_seq(self, seq: int, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.entries or self.entries[-1]["seq"] < seq:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                last = self.entries[-1]["seq"] if self.entries else None
                raise AssertionError(f"waited for seq {seq}, got to {last}")
            await self.receive(remaining)

    async def close_code(self, timeout: float = 10.0) -> int | None:
        """Read on until the server closes the socket; its close code (None: it never did)."""
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
                await self.receive(remaining)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None
        except TimeoutError:
            pass
        return None

    @property
    def seqs(self) -> list[int]:
        return [entry["seq"] for entry in self.entries]


@contextlib.asynccontextmanager
async def open_console(
    url: str,
    token: str | None,
    *,
    cookie: str | None = None,
    origin: str | None = None,
    receive_buffer: int | None = None,
    **options: Any,
) -> AsyncIterator[Console]:
    if receive_buffer is not None:
        # A small fixed kernel buffer stops loopback's autotuning (up to 32 MiB here) from
        # hiding a console that does not read.
        host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.connect((host, int(port)))
        sock.setblocking(False)
        options["sock"] = sock
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if cookie:
        headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
    async with connect(
        url,
        additional_headers=headers,
        origin=origin,  # type: ignore[arg-type]
        compression=None,
        **options,
    ) as connection:
        yield Console(connection)


@pytest.fixture
async def tokens(live: LiveServer, stream_settings: Settings) -> dict[str, str]:
    from app.db import Database

    db = Database(stream_settings.database_url_resolved)
    try:
        return {
            role: await make_token(db, f"{role}-user", role)
            for role in ("producer", "operator", "viewer")
        }
    finally:
        await db.dispose()


@pytest.fixture
async def api(live: LiveServer, tokens: dict[str, str]) -> AsyncIterator[Any]:
    import httpx

    async with httpx.AsyncClient(
        base_url=live.http, headers={"Authorization": f"Bearer {tokens['producer']}"}
    ) as client:
        yield client


@pytest.fixture
async def stream_event(api: Any) -> int:
    response = await api.post("/api/events", json={"name": "Cup Final", "hashtags": ["CupFinal"]})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
