"""What the benchmarks share: a fresh database, a real server in a subprocess, /proc readings.

The server runs as ``python -m uvicorn`` in its own process, so that what is measured is the
server as deployed (its own event loop, uvloop, httptools) and the benchmark's clients do not
share its CPU time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from array import array
from asyncio.subprocess import Process
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import httpx
from sqlalchemy import text

from app import migrate
from app.auth import service as auth
from app.auth import tokens
from app.config import normalise_database_url
from app.db import Database, null_pool_engine

# The project's root: the scripts put it on sys.path before importing this module.
ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "bench password, not a secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from /proc (Linux only)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(before: float | None, after: float | None, elapsed: float) -> float | None:
    """Percent of one core used between two readings."""
    if before is None or after is None or elapsed <= 0:
        return None
    return 100 * (after - before) / elapsed


def run_queue_seconds(pid: int) -> float | None:
    """How long the process's main thread has been runnable but waiting for a CPU (from
    /proc/<pid>/schedstat): when it grows during a run, something else had the cores."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process now (VmRSS), in MB; None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def admin_sql(url: str, statement: str) -> None:
    engine = null_pool_engine(normalise_database_url(url))
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database(backend: str, postgres_url: str | None) -> AsyncIterator[tuple[str, Path]]:
    data_dir = Path(tempfile.mkdtemp(prefix="cuedesk-bench-"))
    name = f"cuedesk_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if backend == "sqlite":
        url = f"sqlite:///{data_dir / 'cuedesk.db'}"
    else:
        assert postgres_url
        await admin_sql(postgres_url, f'CREATE DATABASE "{name}"')
        url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url, data_dir
    finally:
        if backend != "sqlite" and postgres_url:
            await admin_sql(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


async def prepare(url: str) -> str:
    """Migrate, then create a producer and an API token straight in the database."""
    database_url = normalise_database_url(url)
    await migrate.upgrade(database_url)
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            user = await auth.create_user(
                session, username="bench", password=PASSWORD, role="producer"
            )
            _row, token = await tokens.create_api_token(session, user, name="bench")
    finally:
        await db.dispose()
    return token


@contextlib.asynccontextmanager
async def server(
    url: str,
    data_dir: Path,
    extra_args: Sequence[str] = (),
    broker_url: str | None = None,
) -> AsyncIterator[tuple[str, Process]]:
    """``uvicorn app.main:create_app`` on a free port, until it answers /healthz; stopped
    with SIGINT (then killed after 30 s) on the way out, whatever happened."""
    port = free_port()
    env = {
        **os.environ,
        "CUEDESK_DATABASE_URL": url,
        "CUEDESK_DATA_DIR": str(data_dir),
        "CUEDESK_ENVIRONMENT": "development",
    }
    if broker_url:
        env["CUEDESK_BROKER_URL"] = broker_url
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    command += list(extra_args)
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(300):
                if process.returncode is not None:
                    raise RuntimeError(f"the server exited with {process.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("the server did not answer /healthz within 30 s")
        yield base, process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def redis_server() -> AsyncIterator[str]:
    """A ``redis-server`` of our own on a free port, without persistence: pub/sub channels
    are shared by every database of a Redis, so a shared one would mix other users' events
    (``event:1``) into the benchmark's. Its URL; stopped on the way out."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; pass --redis URL instead")
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not listen within 5 s")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def new_event(client: httpx.AsyncClient, name: str) -> int:
    response = await client.post(
        "/api/events", json={"name": name, "hashtags": ["CupFinal"], "keywords": ["cup final"]}
    )
    response.raise_for_status()
    return int(response.json()["id"])


async def last_seq(client: httpx.AsyncClient, event_id: int) -> int:
    response = await client.get(f"/api/events/{event_id}/journal", params={"limit": 1})
    response.raise_for_status()
    return int(response.json()["last_seq"])


class Sampler:
    """The server's CPU time, run-queue wait and VmRSS every 100 ms, for the whole run."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float, float]] = []  # (wall time, cpu s, wait s)
        self.max_rss = 0.0

    async def run(self) -> None:
        while True:
            cpu, wait, rss = cpu_seconds(self.pid), run_queue_seconds(self.pid), rss_mb(self.pid)
            if cpu is not None:
                self.samples.append((time.time(), cpu, wait or 0.0))
            self.max_rss = max(self.max_rss, rss or 0.0)
            await asyncio.sleep(0.1)

    def percent(self, start: float, end: float) -> tuple[float, float] | None:
        """CPU time and run-queue wait between two wall times, as % of the elapsed time."""
        before = [s for s in self.samples if s[0] <= start] or self.samples[:1]
        after = [s for s in self.samples if s[0] >= end] or self.samples[-1:]
        if not before or not after or after[0][0] <= before[-1][0]:
            return None
        (t0, c0, w0), (t1, c1, w1) = before[-1], after[0]
        return 100 * (c1 - c0) / (t1 - t0), 100 * (w1 - w0) / (t1 - t0)

    @staticmethod
    def total_percent(
        samplers: Sequence[Sampler], start: float, end: float
    ) -> tuple[float, float] | None:
        """:meth:`percent` summed over several processes (a server of several processes)."""
        shares = [sampler.percent(start, end) for sampler in samplers]
        if any(share is None for share in shares):
            return None
        return sum(s[0] for s in shares if s), sum(s[1] for s in shares if s)


def weighted_percentiles(
    values: array[float], counts: array[int], quantiles: list[float]
) -> list[float]:
    """Nearest-rank percentiles of ``values`` each repeated ``counts`` times."""
    pairs = sorted(zip(values, counts, strict=True))
    total = sum(counts)
    answers, running, index = [], 0, 0
    for quantile in quantiles:
        rank = max(1, -(-total * quantile // 1))  # ceil(total * quantile)
        while running + pairs[index][1] < rank:
            running += pairs[index][1]
            index += 1
        answers.append(pairs[index][0])
    return answers
