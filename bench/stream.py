"""Live stream benchmark: N consoles on one event's websocket while mentions pour in.

For each run it starts ``uvicorn app.main:create_app`` (per-message deflate off, default
settings) on a fresh SQLite database (PostgreSQL with ``--postgres``), creates an event,
opens N console websockets from ``after_seq=<last_seq>`` in worker processes, then POSTs
mentions at the asked rate for ``--duration`` seconds: a batch every ``--interval``
seconds, each mention's ``created_at`` stamped with the wall-clock time of its send (ms
precision). Then the consoles drain up to the journal's final last_seq (at most
``--settle`` s).

With ``--processes 2`` it starts two server processes on the same database, joined by a
Redis broker (its own ``redis-server`` on a free port, or ``--redis URL``): console worker
i connects to process i mod 2 and the POSTs alternate between them, so every mention is
stored by one process and reaches half of the consoles through the other.

Columns:
* ``delivered/s``: entries received by all consoles a second, first send to last receipt;
* ``p50/p99/max``: receive wall time - send time over every entry every console got (ms;
  the send stamp is truncated to the ms, so up to 1 ms high);
* ``in p50/p99``: the part of that from send to the server's ``received_at`` stamp (HTTP,
  validation, the journal's lock); the rest is insert, commit, broker, the 15 ms tick,
  the socket and the console;
* ``loss``: entries of (start, final last_seq] that a console never got (a reset counts
  what it skipped); ``dup``: entries received twice or out of order;
* ``drain s``: after the last send, until every console had the final seq;
* ``srv cpu``: the server's CPU from first send to the end of the drain (100% = a core;
  with several processes, their sum);
  ``srv wait``: how much of that window its event loop's thread was ready to run but had
  no core (another job, or our consoles: then the figures are not the server's alone);
* ``srv rss MB``: its largest VmRSS over the run; ``cons cpu``: the console workers' CPU
  over the same window, to show whether they were the bottleneck;
* ``load``: the 1-minute load average at the run's start (another job on the machine
  distorts every figure: re-run).

It exits 1 when a run failed or lost an entry.

    python bench/stream.py
    python bench/stream.py --runs 200@1000 --duration 20
    python bench/stream.py --runs 10@500,200@5000:10 --workers 2 --settle 30
    python bench/stream.py --runs 200@1000 --processes 2 \
        --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import multiprocessing
import os
import sys
import time
from array import array
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Sampler,
    fresh_database,
    last_seq,
    new_event,
    prepare,
    redis_server,
    server,
    weighted_percentiles,
)
from bench.consoles import WorkerConfig, WorkerResult, run_worker

SERVER_ARGS = ["--ws-per-message-deflate", "false"]
DEFAULT_RUNS = "10@500,50@1000,200@1000,200@5000"
MAX_IN_FLIGHT = 8  # concurrent POSTs before the paced loop waits (the server is behind)
MAX_BATCH = 5000  # the server's max_mentions_per_request


@dataclass(frozen=True)
class RunSpec:
    consoles: int
    rate: int
    duration: float

    @classmethod
    def parse(cls, text: str, duration: float) -> RunSpec:
        """``consoles@rate`` or ``consoles@rate:seconds``."""
        try:
            consoles, rest = text.split("@")
            rate, _, seconds = rest.partition(":")
            spec = cls(int(consoles), int(rate), float(seconds) if seconds else duration)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"bad run {text!r}: expected consoles@rate[:seconds]"
            ) from None
        if spec.consoles < 1 or spec.rate < 1 or spec.duration <= 0:
            raise argparse.ArgumentTypeError(f"bad run {text!r}: numbers must be positive")
        return spec


def stamp_now() -> str:
    """Wall-clock now as the journal writes times: ``2026-02-08T23:41:05.123Z``."""
    ms = time.time_ns() // 1_000_000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


async def ingest(
    clients: list[httpx.AsyncClient], event_id: int, rate: int, duration: float, interval: float
) -> tuple[int, float, float]:
    """POST ``rate`` mentions a second for ``duration`` s, in turn to each of ``clients``
    (one a server process); (accepted, start, end) wall times.

    Paced by the clock, not by the answers: each tick sends what is due so far, so a slow
    answer makes the next batch bigger rather than the rate lower (up to MAX_IN_FLIGHT
    requests at once, after which the loop waits, and the shortfall shows as ingested/s).
    """
    ids = itertools.count(1_900_000_000_000_000_000)
    in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
    tasks: list[asyncio.Task[int]] = []
    turns = itertools.cycle(clients)

    async def post(client: httpx.AsyncClient, count: int) -> int:
        try:
            created = stamp_now()  # the send time, read back from each delivered entry
            body = orjson.dumps(
                [
                    {
                        "network": "x",
                        "external_id": str(next(ids)),
                        "author": {"handle": "bench_fan", "name": "Bench Fan", "followers": 120},
                        "text": "What a goal! #CupFinal",
                        "created_at": created,
                        "lang": "en",
                    }
                    for _ in range(count)
                ]
            )
            response = await client.post(
                f"/api/events/{event_id}/mentions",
                content=body,
                headers={"content-type": "application/json"},
            )
            response.raise_for_status()
            return int(response.json()["accepted"])
        finally:
            in_flight.release()

    started, wall_start = time.monotonic(), time.time()
    sent, tick = 0, started
    while True:
        elapsed = time.monotonic() - started
        due = min(int(rate * min(elapsed, duration)) - sent, MAX_BATCH)
        if due > 0:
            await in_flight.acquire()
            tasks.append(asyncio.create_task(post(next(turns), due)))
            sent += due
        if elapsed >= duration and sent >= int(rate * duration):
            break
        # Behind by more than a tick (a slow loop): resume from now rather than spinning.
        tick = max(tick + interval, time.monotonic() - interval)
        await asyncio.sleep(max(0.0, tick - time.monotonic()))
    accepted = sum(await asyncio.gather(*tasks))
    return accepted, wall_start, time.time()


@contextlib.asynccontextmanager
async def console_workers(
    count: int, config: WorkerConfig, urls: list[str]
) -> AsyncIterator[list[Connection]]:
    """``count`` worker processes sharing ``config.sockets`` between them, worker i on
    ``urls[i % len(urls)]``; always reaped."""
    context = multiprocessing.get_context("spawn")  # no fork of a running event loop
    workers: list[tuple[BaseProcess, Connection]] = []
    try:
        for index in range(count):
            share = config.sockets // count + (1 if index < config.sockets % count else 0)
            if share == 0:
                continue
            ours, theirs = context.Pipe()
            url = urls[index % len(urls)]
            worker_config = WorkerConfig(url, config.token, share, config.start_seq)
            process: BaseProcess = context.Process(
                target=run_worker, args=(theirs, worker_config), daemon=True
            )
            process.start()
            theirs.close()
            workers.append((process, ours))
        yield [pipe for _process, pipe in workers]
    finally:
        # Closing our end wakes a worker still waiting for a command (EOFError), so that on
        # a failed run it stops at once and closes its sockets.
        for _process, pipe in workers:
            pipe.close()
        for process, _pipe in workers:
            process.join(timeout=15)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)


async def receive(pipe: Connection, expected: str, timeout: float) -> Any:
    def wait() -> Any:
        if not pipe.poll(timeout):
            raise TimeoutError(f"a console worker sent no {expected!r} within {timeout:.0f} s")
        try:
            return pipe.recv()
        except EOFError:
            raise RuntimeError("a console worker died (see its traceback above)") from None

    message = await asyncio.to_thread(wait)
    if message[0] == "error":
        raise RuntimeError(f"a console worker failed: {message[1]}")
    if message[0] != expected:
        raise RuntimeError(f"a console worker sent {message[0]!r}, expected {expected!r}")
    return message[1]


async def run_one(spec: RunSpec, args: argparse.Namespace) -> dict[str, Any]:
    row: dict[str, Any] = {"spec": spec, "load": os.getloadavg()[0]}
    backend = "postgresql" if args.postgres else "sqlite"
    async with contextlib.AsyncExitStack() as stack:
        url, data_dir = await stack.enter_async_context(fresh_database(backend, args.postgres))
        token = await prepare(url)
        broker = args.redis
        if args.processes > 1 and broker is None:
            broker = await stack.enter_async_context(redis_server())
        bases, samplers = [], []
        # One after the other: the first has migrated (nothing to do) before the next starts.
        for _ in range(args.processes):
            base, process = await stack.enter_async_context(
                server(url, data_dir, SERVER_ARGS, broker_url=broker)
            )
            print(f"  server pid {process.pid}", file=sys.stderr)
            bases.append(base)
            samplers.append(Sampler(process.pid))
        sampling = [asyncio.create_task(sampler.run()) for sampler in samplers]
        try:
            measured = await measure(spec, args, bases, token)
        finally:
            for task in sampling:
                task.cancel()
    return summarise(row, samplers, *measured)


async def measure(
    spec: RunSpec, args: argparse.Namespace, bases: list[str], token: str
) -> tuple[list[WorkerResult], int, float, float]:
    """Consoles up, mentions in, consoles drained: (their results, accepted, send window)."""
    headers = {"Authorization": f"Bearer {token}"}
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=base, headers=headers, timeout=60.0)
            )
            for base in bases
        ]
        client = clients[0]
        event_id = await new_event(client, "Bench: live stream")
        start_seq = await last_seq(client, event_id)
        path = f"/ws/events/{event_id}?after_seq={start_seq}"
        urls = [base.replace("http", "ws", 1) + path for base in bases]
        config = WorkerConfig(urls[0], token, spec.consoles, start_seq)
        async with console_workers(args.workers, config, urls) as pipes:
            await asyncio.gather(*(receive(pipe, "ready", 120) for pipe in pipes))
            await asyncio.sleep(1.0)  # let the connect-time presence frames pass
            for pipe in pipes:
                pipe.send(("go",))
            print(f"  {len(pipes)} workers ready; ingesting", file=sys.stderr)
            accepted, sent_from, sent_to = await ingest(
                clients, event_id, spec.rate, spec.duration, args.interval
            )
            final = await last_seq(client, event_id)
            for pipe in pipes:
                pipe.send(("final", final, args.settle))
            results = await asyncio.gather(
                *(receive(pipe, "result", args.settle + 60) for pipe in pipes)
            )
    if final - start_seq != accepted:
        print(f"  warning: {accepted} accepted but last_seq moved by {final - start_seq}")
    return results, accepted, sent_from, sent_to


def summarise(
    row: dict[str, Any],
    samplers: list[Sampler],
    results: list[WorkerResult],
    accepted: int,
    sent_from: float,
    sent_to: float,
) -> dict[str, Any]:
    values: array[float] = array("d")
    stored: array[float] = array("d")
    counts: array[int] = array("L")
    for result in results:
        values.frombytes(result.latency_ms)
        stored.frombytes(result.stored_ms)
        counts.frombytes(result.counts)
    drained = [r.drained_at for r in results if r.drained_at is not None]
    all_drained = len(drained) == len(results)
    last_receive = max(r.last_receive for r in results)
    window_end = max([sent_to, last_receive, *drained])
    received = sum(r.received for r in results)
    row.update(
        sockets=sum(r.sockets for r in results),
        seconds=sent_to - sent_from,
        ingested=accepted / (sent_to - sent_from),
        delivered=received / (last_receive - sent_from) if received else 0.0,
        latency=weighted_percentiles(values, counts, [0.5, 0.99, 1.0]) if values else None,
        stored=weighted_percentiles(stored, counts, [0.5, 0.99]) if values else None,
        loss=sum(r.lost for r in results),
        dup=sum(r.duplicates + r.out_of_order for r in results),
        resets=sum(r.resets for r in results),
        closed=[code for r in results for code in r.closed],
        undrained=sum(r.undrained for r in results),
        drain=(max(drained) - sent_to) if all_drained else None,
        server=Sampler.total_percent(samplers, sent_from, window_end),
        server_rss=max(sampler.max_rss for sampler in samplers),
        console_cpu=100 * sum(r.cpu_seconds for r in results) / (window_end - sent_from),
    )
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        "consoles", "rate/s", "secs", "ingested/s", "delivered/s", "p50 ms", "p99 ms",
        "max ms", "in p50", "in p99", "loss", "dup", "drain s", "srv cpu", "srv wait",
        "srv rss MB", "cons cpu", "load",
    )  # fmt: skip
    lines: list[tuple[str, ...]] = []
    for row in rows:
        spec: RunSpec = row["spec"]
        if "error" in row:
            lines.append((f"{spec.consoles}", f"{spec.rate:,}", "failed"))
            continue
        latency = row["latency"] or [float("nan")] * 3
        stored = row["stored"] or [float("nan")] * 2
        cpu, wait = row["server"] or (float("nan"), float("nan"))
        lines.append(
            (
                f"{row['sockets']}" + ("" if row["sockets"] == spec.consoles else "!"),
                f"{spec.rate:,}",
                f"{row['seconds']:.1f}",
                f"{row['ingested']:,.0f}",
                f"{row['delivered']:,.0f}",
                *(f"{value:,.0f}" for value in latency),
                *(f"{value:,.0f}" for value in stored),
                f"{row['loss']:,}",
                f"{row['dup']:,}",
                "-" if row["drain"] is None else f"{row['drain']:.1f}",
                f"{cpu:.0f}%",
                f"{wait:.0f}%",
                f"{row['server_rss']:.0f}",
                f"{row['console_cpu']:.0f}%",
                f"{row['load']:.1f}",
            )
        )
    widths = [
        max(len(line[i]) for line in (header, *lines) if i < len(line)) for i in range(len(header))
    ]
    for line in (header, tuple("-" * w for w in widths), *lines):
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=False)))
    for row in rows:
        spec = row["spec"]
        if "error" in row:
            print(f"{spec.consoles} @ {spec.rate}/s failed: {row['error']}")
        elif row["resets"] or row["closed"] or row["undrained"]:
            closes = ", ".join(f"{n} x {code}" for code, n in Counter(row["closed"]).items())
            print(
                f"{spec.consoles} @ {spec.rate}/s: {row['resets']} resets, "
                f"{row['undrained']} consoles not drained, sockets closed by the server: "
                f"{closes or 'none'}"
            )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=DEFAULT_RUNS, help="consoles@rate[:seconds],...")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of ingest a run")
    parser.add_argument("--settle", type=float, default=30.0, help="max seconds to drain")
    parser.add_argument("--interval", type=float, default=0.015, help="seconds between POSTs")
    parser.add_argument("--workers", type=int, default=2, help="console worker processes")
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server")
    parser.add_argument(
        "--processes", type=int, default=1, help="server processes (more than one: Redis)"
    )
    parser.add_argument(
        "--redis", metavar="URL", help="the broker with --processes > 1 (default: our own)"
    )
    args = parser.parse_args()
    if args.workers < 1 or args.interval <= 0 or args.settle < 0:
        parser.error("--workers must be >= 1, --interval > 0 and --settle >= 0")
    if args.processes < 1 or args.workers < args.processes:
        parser.error("--processes must be >= 1 and at most --workers (a worker per process)")
    if args.processes > 1 and not args.postgres:
        parser.error("--processes > 1 needs --postgres (SQLite is one process's database)")
    try:
        specs = [RunSpec.parse(text, args.duration) for text in args.runs.split(",")]
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at start: {load} ({os.cpu_count()} cores)")
    rows: list[dict[str, Any]] = []
    for spec in specs:
        print(
            f"run: {spec.consoles} consoles @ {spec.rate}/s for {spec.duration:g} s",
            file=sys.stderr,
        )
        try:
            # Each step is bounded already; this bounds the whole run, whatever hangs.
            async with asyncio.timeout(180 + 2 * spec.duration + args.settle):
                rows.append(await run_one(spec, args))
        except Exception as exc:
            print(f"  failed: {type(exc).__name__}: {exc or 'timed out'}", file=sys.stderr)
            rows.append({"spec": spec, "error": f"{type(exc).__name__}: {exc or 'timed out'}"})
    print_table(rows)
    if any("error" in row or row["loss"] for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(main())
