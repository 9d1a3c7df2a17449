"""Ingest benchmark: how many mentions a second a real server stores.

Starts ``uvicorn app.main:create_app`` in a subprocess on a fresh database (SQLite, and
PostgreSQL with ``--postgres``), then measures, each for ``--duration`` seconds:

* ``http``: clients POSTing batches of ``--batch`` (25) mentions to /api/events/{id}/mentions;
* ``simulator``: the built-in simulator at a steady 5,000 mentions/s;
* ``simulator max``: the simulator in a goal spike (demand ~35,000/s): what the batcher
  sustains when it cannot keep up.

"Stored" counts journal entries (``last_seq``) read back over the API, so a mention counts
only once it is committed, numbered and readable. ``cpu`` is the server process's CPU time
over the window (100% = one core) and ``cpu/mention`` that CPU time divided by the
mentions stored in the window: what a mention costs the server, whatever else the machine
is doing (wall-clock rates are not: a busy machine lowers them); ``lag`` is received_at -
created_at of the newest mention at the end (how far the pipeline trails the simulator's
clock).

    python bench/ingest.py
    python bench/ingest.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from asyncio.subprocess import Process
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    cpu_seconds,
    cpu_share,
    fresh_database,
    last_seq,
    new_event,
    prepare,
    server,
)

# The goal spike of the default two-hour show (see app/ingest/sources/simulator/script.py).
GOAL_MINUTE = 0.24 * 120 + 0.1


@dataclass
class Result:
    backend: str
    path: str
    batch: str
    per_second: float
    seconds: float
    cpu_percent: float | None = None
    lag_ms: float | None = None
    cpu_us_per_mention: float | None = None


def per_mention_us(before: float | None, after: float | None, stored: int) -> float | None:
    """The server's CPU time over a window, in µs per mention stored in it."""
    if before is None or after is None or stored <= 0:
        return None
    return 1e6 * (after - before) / stored


async def bench_http(
    client: httpx.AsyncClient,
    process: Process,
    backend: str,
    batch: int,
    clients: int,
    duration: float,
) -> Result:
    event_id = await new_event(client, "Bench: HTTP ingest")
    now = datetime.now(UTC).isoformat()
    counter = iter(range(10**12))

    def body() -> bytes:
        return orjson.dumps(
            [
                {
                    "network": "x",
                    "external_id": str(1_900_000_000_000_000_000 + next(counter)),
                    "author": {"handle": "bench_fan", "name": "Bench Fan", "followers": 120},
                    "text": "What a goal! #CupFinal",
                    "created_at": now,
                    "lang": "en",
                }
                for _ in range(batch)
            ]
        )

    async def worker(deadline: float) -> int:
        accepted = 0
        while time.monotonic() < deadline:
            response = await client.post(
                f"/api/events/{event_id}/mentions",
                content=body(),
                headers={"content-type": "application/json"},
            )
            response.raise_for_status()
            accepted += int(response.json()["accepted"])
        return accepted

    started, cpu_before = time.monotonic(), cpu_seconds(process.pid)
    accepted = sum(await asyncio.gather(*(worker(started + duration) for _ in range(clients))))
    elapsed, cpu_after = time.monotonic() - started, cpu_seconds(process.pid)
    stored = await last_seq(client, event_id) - 1  # less the event.created entry
    assert stored == accepted, (stored, accepted)
    path = f"http ({clients} clients)"
    return Result(
        backend,
        path,
        str(batch),
        stored / elapsed,
        elapsed,
        cpu_share(cpu_before, cpu_after, elapsed),
        cpu_us_per_mention=per_mention_us(cpu_before, cpu_after, stored),
    )


async def bench_simulator(
    client: httpx.AsyncClient,
    process: Process,
    backend: str,
    label: str,
    config: dict[str, Any],
    duration: float,
) -> Result:
    event_id = await new_event(client, f"Bench: {label}")
    response = await client.post(
        f"/api/events/{event_id}/sources", json={"kind": "simulator", "config": config}
    )
    response.raise_for_status()
    source_id = response.json()["id"]
    await asyncio.sleep(2.0)  # warm up: the generator builds its audience, the queue fills

    seq_before, cpu_before, started = (
        await last_seq(client, event_id),
        cpu_seconds(process.pid),
        time.monotonic(),
    )
    await asyncio.sleep(duration)
    seq_after, cpu_after, elapsed = (
        await last_seq(client, event_id),
        cpu_seconds(process.pid),
        time.monotonic() - started,
    )
    newest = (await client.get(f"/api/events/{event_id}/mentions", params={"limit": 1})).json()
    (await client.delete(f"/api/events/{event_id}/sources/{source_id}")).raise_for_status()

    cpu = cpu_share(cpu_before, cpu_after, elapsed)
    lag = None
    if newest["items"]:
        item = newest["items"][0]
        received = datetime.fromisoformat(item["received_at"].replace("Z", "+00:00"))
        created = datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
        lag = (received - created).total_seconds() * 1000
    stored = seq_after - seq_before
    return Result(
        backend,
        label,
        "batcher",
        stored / elapsed,
        elapsed,
        cpu,
        lag,
        per_mention_us(cpu_before, cpu_after, stored),
    )


async def run_backend(backend: str, args: argparse.Namespace) -> list[Result]:
    results = []
    async with fresh_database(backend, args.postgres) as (url, data_dir):
        token = await prepare(url)
        async with server(url, data_dir) as (base, process):
            headers = {"Authorization": f"Bearer {token}"}
            timeout = httpx.Timeout(60.0)
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout) as client:
                results.append(
                    await bench_http(
                        client, process, backend, args.batch, args.clients, args.duration
                    )
                )
                steady = {"seed": 1, "rate": 5000, "spikes": False}
                results.append(
                    await bench_simulator(
                        client, process, backend, "simulator 5000/s", steady, args.duration
                    )
                )
                if args.spike:
                    spike = {"seed": 1, "rate": 5000, "start_minute": GOAL_MINUTE}
                    results.append(
                        await bench_simulator(
                            client, process, backend, "simulator max (spike)", spike, args.duration
                        )
                    )
    return results


def print_table(results: list[Result]) -> None:
    header = (
        "backend", "path", "batch", "mentions/s", "duration s", "server cpu", "cpu/mention",
        "lag ms",
    )  # fmt: skip
    rows = [
        (
            r.backend,
            r.path,
            r.batch,
            f"{r.per_second:,.0f}",
            f"{r.seconds:.1f}",
            "n/a" if r.cpu_percent is None else f"{r.cpu_percent:.0f}%",
            "n/a" if r.cpu_us_per_mention is None else f"{r.cpu_us_per_mention:.0f} µs",
            "" if r.lag_ms is None else f"{r.lag_ms:,.0f}",
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per run")
    parser.add_argument("--batch", type=int, default=25, help="mentions per HTTP request")
    parser.add_argument("--clients", type=int, default=2, help="concurrent HTTP clients")
    parser.add_argument(
        "--no-spike", dest="spike", action="store_false", help="skip the goal-spike run"
    )
    args = parser.parse_args()

    results: list[Result] = []
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        print(f"running on {backend}...", file=sys.stderr)
        results += await run_backend(backend, args)
    print_table(results)


if __name__ == "__main__":
    asyncio.run(main())
