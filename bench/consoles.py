"""The consoles of bench/stream.py: a worker process holding many websockets.

Each worker is its own process (and event loop), so that the consoles are not the
bottleneck of what they measure. The parent talks to it over a pipe:

    worker -> ("ready", sockets)             every socket is open and has its hello
    parent -> ("go",)                        ingest starts: CPU accounting starts
    parent -> ("final", last_seq, settle_s)  ingest is over; drain up to last_seq
    worker -> ("result", WorkerResult)       after every console drained, or settle_s
    worker -> ("error", message)             anything that went wrong, at any point

Parsing every frame in every console would make the consoles the bottleneck (orjson on
full mention entries was ~70% of a worker's time): but the server sends the very same
frame, built once, to every socket that is up to date. So each worker parses a frame's
bytes once and keeps a summary keyed by those bytes (equal bytes, equal entries): its
first and last seq, whether the seqs in between are contiguous, and its runs of entries
that share one ingest batch's ``created_at``. A console whose next seq is the frame's
first then takes the frame whole; any other case (a gap, a repeat, a reset) goes through
an entry-by-entry check. Latency samples are run-length encoded: the entries of a frame
that share a ``created_at`` (one ingest batch) share their latency, so (latency, count)
pairs keep every sample exactly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

# The protocol asks consoles for a heartbeat every 10-15 s (silent for 45 s: closed).
HEARTBEAT_SECONDS = 10.0
# Handshakes in flight at once: each is a database read on the server.
CONNECT_CONCURRENCY = 16
PING = '{"type":"ping"}'
ENTRIES = b'{"type":"entries"'
# Distinct frames remembered per worker: up-to-date consoles share one; laggards miss.
FRAME_CACHE = 256


@dataclass(frozen=True)
class WorkerConfig:
    url: str  # ws://host:port/ws/events/{id}?after_seq=N
    token: str
    sockets: int
    start_seq: int
    connect_timeout: float = 60.0


@dataclass
class WorkerResult:
    sockets: int
    received: int = 0  # entries, counted once per console
    lost: int = 0  # entries in (start_seq, last_seq] that a console never got
    duplicates: int = 0
    out_of_order: int = 0  # arrived after a later seq (a gap that filled late)
    resets: int = 0
    closed: list[str] = field(default_factory=list)  # sockets the server closed
    undrained: int = 0  # consoles short of last_seq when the settle period ended
    last_receive: float = 0.0  # wall time (s) of the last entry received
    drained_at: float | None = None  # wall time (s) when every console had last_seq
    cpu_seconds: float = 0.0  # this process, from "go" to drained (or settle end)
    latency_ms: bytes = b""  # array('d'): send -> console receipt, one per run of entries
    stored_ms: bytes = b""  # array('d'): send -> the server's received_at, same runs
    counts: bytes = b""  # array('L'): how many entries each run stands for


@lru_cache(maxsize=8192)
def epoch_ms(stamp: str) -> float:
    """A journal time (``2026-02-08T23:41:05.123Z``) as ms since the epoch."""
    return datetime.fromisoformat(stamp).timestamp() * 1000


class Frame(NamedTuple):
    """What a console needs of an entries frame, worked out once per distinct frame."""

    first: int
    last: int
    contiguous: bool  # seqs first..last, each once, in order
    runs: list[tuple[float, float, int]]  # (sent ms, stored ms, entries): one ingest batch


def runs_of(entries: list[dict[str, Any]]) -> list[tuple[float, float, int]]:
    """Consecutive entries sharing a ``created_at`` (the ingest send time, one per batch);
    entries without one (not mentions) carry no latency."""
    runs: list[tuple[float, float, int]] = []
    stamp: str | None = None
    stored = ""
    count = 0
    for entry in entries:
        data = entry["data"]
        created = data.get("created_at")
        if created != stamp:
            if count and stamp is not None:
                runs.append((epoch_ms(stamp), epoch_ms(stored), count))
            stamp, stored, count = created, data.get("received_at"), 0
        count += 1
    if count and stamp is not None:
        runs.append((epoch_ms(stamp), epoch_ms(stored), count))
    return runs


def summarise(entries: list[dict[str, Any]]) -> Frame:
    if not entries:
        return Frame(0, -1, False, [])
    first, last = entries[0]["seq"], entries[-1]["seq"]
    contiguous = last - first + 1 == len(entries) and all(
        entry["seq"] == seq for seq, entry in enumerate(entries, start=first)
    )
    return Frame(first, last, contiguous, runs_of(entries))


class Console:
    __slots__ = (
        "closed",
        "duplicates",
        "expect",
        "gaps",
        "lost",
        "missing",
        "out_of_order",
        "received",
        "resets",
        "socket",
        "worker",
    )

    def __init__(self, worker: Worker, socket: ClientConnection, start_seq: int) -> None:
        self.worker = worker
        self.socket = socket
        self.expect = start_seq + 1  # the next seq this console must receive
        self.received = 0
        self.lost = 0
        self.duplicates = 0
        self.out_of_order = 0
        self.resets = 0
        self.gaps = 0
        # Seqs skipped by a gap: only filled when the protocol is broken, so a set is fine.
        self.missing: set[int] = set()
        self.closed: str | None = None

    async def read(self) -> None:
        socket, now, worker = self.socket, time.time, self.worker
        try:
            while True:
                # decode=False: bytes, as orjson and the frame cache want them.
                message = await socket.recv(decode=False)
                received_ms = now() * 1000
                if message.startswith(ENTRIES):
                    frame = worker.frame(message)
                    if frame.contiguous and frame.first == self.expect:
                        self.expect = frame.last + 1
                        self.received += frame.last - frame.first + 1
                        worker.record(frame.runs, received_ms)
                        worker.check(self)
                    else:
                        self.take(orjson.loads(message)["entries"], received_ms)
                    continue
                frame = orjson.loads(message)
                kind = frame["type"]
                if kind == "entries":  # not reached while the server writes type first
                    self.take(frame["entries"], received_ms)
                elif kind == "reset":
                    # Everything up to last_seq is skipped: that is loss for this benchmark.
                    to_seq = int(frame["last_seq"])
                    self.resets += 1
                    if to_seq >= self.expect:
                        self.lost += to_seq - self.expect + 1
                        self.expect = to_seq + 1
                    self.worker.check(self)
        except ConnectionClosed as exc:
            if not self.worker.closing:
                self.closed = f"{exc.rcvd.code if exc.rcvd else 'no close frame'}"
        except Exception as exc:  # a malformed frame: this console stops, and says why
            self.closed = f"reader failed: {exc!r}"

    def take(self, entries: list[dict[str, Any]], received_ms: float) -> None:
        """Entry by entry: for a frame that does not simply follow what this console has."""
        expect = self.expect
        kept = []
        for entry in entries:
            seq = entry["seq"]
            if seq != expect:
                if seq < expect:
                    if seq in self.missing:  # late, but received: not lost after all
                        self.missing.discard(seq)
                        self.lost -= 1
                        self.out_of_order += 1
                        self.received += 1
                        kept.append(entry)
                    else:
                        self.duplicates += 1
                    continue
                self.gaps += 1
                self.missing.update(range(expect, seq))
                self.lost += seq - expect
            expect = seq + 1
            self.received += 1
            kept.append(entry)
        self.expect = expect
        self.worker.record(runs_of(kept), received_ms)
        self.worker.check(self)


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.consoles: list[Console] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.latencies: array[float] = array("d")
        self.stored: array[float] = array("d")
        self.counts: array[int] = array("L")
        self.frames: dict[bytes, Frame] = {}
        self.last_receive = 0.0
        self.target: int | None = None
        self.waiting: set[Console] = set()
        self.drained = asyncio.Event()
        self.drained_at: float | None = None
        self.closing = False

    def frame(self, message: bytes) -> Frame:
        frame = self.frames.get(message)
        if frame is None:
            frame = summarise(orjson.loads(message)["entries"])
            if len(self.frames) >= FRAME_CACHE:
                del self.frames[next(iter(self.frames))]  # the oldest: dicts keep order
            self.frames[message] = frame
        return frame

    def record(self, runs: list[tuple[float, float, int]], received_ms: float) -> None:
        for sent, stored, count in runs:
            self.latencies.append(received_ms - sent)
            self.stored.append(stored - sent)
            self.counts.append(count)
        self.last_receive = received_ms

    def check(self, console: Console) -> None:
        """Note a console that has everything up to the final seq."""
        if self.target is not None and console.expect > self.target and console in self.waiting:
            self.waiting.discard(console)
            if not self.waiting:
                self.drained_at = time.time()
                self.drained.set()

    def finish_at(self, target: int) -> None:
        self.target = target
        self.waiting = set(self.consoles)
        for console in list(self.waiting):
            self.check(console)
        if not self.waiting:
            self.drained_at = time.time()
            self.drained.set()

    async def open_one(self, limit: asyncio.Semaphore) -> None:
        config = self.config
        async with limit:
            socket = await connect(
                config.url,
                additional_headers={"Authorization": f"Bearer {config.token}"},
                compression=None,
                proxy=None,
                open_timeout=config.connect_timeout,
                # The app-level heartbeat below keeps the socket alive; a protocol ping
                # could time out while this process is busy and close a healthy socket.
                ping_interval=None,
                close_timeout=2,
                max_size=None,
            )
            hello = orjson.loads(await asyncio.wait_for(socket.recv(), config.connect_timeout))
            if hello.get("type") != "hello":
                raise RuntimeError(f"expected a hello frame first, got {hello!r}")
        console = Console(self, socket, config.start_seq)
        self.consoles.append(console)
        self.tasks.append(asyncio.create_task(console.read()))

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            for console in self.consoles:
                with contextlib.suppress(ConnectionClosed):
                    await console.socket.send(PING)

    async def close(self) -> None:
        self.closing = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                asyncio.gather(*(c.socket.close() for c in self.consoles), return_exceptions=True),
                10,
            )
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def result(self, cpu: float) -> WorkerResult:
        result = WorkerResult(sockets=len(self.consoles), cpu_seconds=cpu)
        for console in self.consoles:
            if self.target is not None and console.expect <= self.target:
                result.undrained += 1
                console.lost += self.target - console.expect + 1
            result.received += console.received
            result.lost += console.lost
            result.duplicates += console.duplicates
            result.out_of_order += console.out_of_order
            result.resets += console.resets
            if console.closed is not None:
                result.closed.append(console.closed)
        result.last_receive = self.last_receive / 1000
        result.drained_at = self.drained_at
        result.latency_ms = self.latencies.tobytes()
        result.stored_ms = self.stored.tobytes()
        result.counts = self.counts.tobytes()
        return result


async def _command(pipe: Connection) -> tuple[Any, ...]:
    message: tuple[Any, ...] = await asyncio.to_thread(pipe.recv)
    return message


async def _run(pipe: Connection, config: WorkerConfig) -> None:
    worker = Worker(config)
    beat = asyncio.create_task(worker.heartbeat())
    try:
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
        await asyncio.gather(*(worker.open_one(limit) for _ in range(config.sockets)))
        pipe.send(("ready", len(worker.consoles)))
        if (await _command(pipe))[0] != "go":
            return
        cpu_start = time.process_time()
        message = await _command(pipe)
        if message[0] != "final":
            return
        _kind, target, settle = message
        worker.finish_at(int(target))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(float(settle)):
                await worker.drained.wait()
        cpu = time.process_time() - cpu_start
        pipe.send(("result", worker.result(cpu)))
    finally:
        beat.cancel()
        await worker.close()


def run_worker(pipe: Connection, config: WorkerConfig) -> None:
    """The worker process's entry point."""
    try:
        import uvloop  # as the server uses: less loop overhead per socket read

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    try:
        runner(_run(pipe, config))
    except BaseException as exc:
        with contextlib.suppress(Exception):
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None
