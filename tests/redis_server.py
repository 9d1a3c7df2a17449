"""A Redis server of the test's own, on a free port, that the test may hang, pause, stop and
start again: the shared one on 6379 serves other tests and is never touched."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self._directory = directory
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _client(self) -> Redis:
        return Redis(host="127.0.0.1", port=self.port, socket_timeout=5, socket_connect_timeout=5)

    def _spawn(self) -> None:
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self._directory)]
        self._process = subprocess.Popen(
            [REDIS_SERVER, *options, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )

    async def start(self) -> None:
        """Started (again, on the same port, when it was stopped)."""
        self._spawn()
        for _ in range(200):
            try:
                async with self._client() as client:
                    await client.ping()
                return
            except Exception:  # not up yet
                await asyncio.sleep(0.05)
        raise AssertionError(f"redis-server on port {self.port} did not come up")

    def stop(self) -> None:
        """Gone: connections reset, new ones refused."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(10)
            self._process = None

    def hang(self) -> None:
        """Hung: connections stay open and new ones are accepted, but nothing is answered."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Answers again, if it was hung; a no-op otherwise (and when stopped)."""
        if self._process is not None:
            os.kill(self._process.pid, signal.SIGCONT)

    async def pause_clients(self, seconds: float) -> None:
        """``CLIENT PAUSE … ALL``: every command waits, for ``seconds`` (it cannot be undone
        early: the unpause would wait too)."""
        async with self._client() as client:
            await client.execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")

    async def subscribers(self, channel: str) -> int:
        async with self._client() as client:
            counts = await client.execute_command("PUBSUB", "NUMSUB", channel)
        return int(counts[1])


@pytest.fixture
async def private_redis(tmp_path: Path) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    await server.start()
    try:
        yield server
    finally:
        server.stop()
