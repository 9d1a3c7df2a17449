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
clock). The simulator runs inside the server, so its ``cpu/mention`` includes generating
each mention: ``of which source`` is that part, measured by running the same generator
in the benchmark's own process without storing anything, and the rest is the store path.
``per core-second`` is 1 s over ``cpu/mention``: what the server would store a second with
a whole core to itself (a loaded machine gives it less; read it with ``server cpu``).

With ``--floods`` the HTTP mentions are a realistic night's mix instead of one text
repeated: distinct texts, with ``--flood-share`` (30%) of them flood (reposts of a few
popular posts, quotes, a copy-pasted chant with small variations); the simulator's mix
already holds reposts and quotes. ``--collapse on|off|both`` runs the server with flood
collapse on, off, or each in turn (``CUEDESK_FLOOD_COLLAPSE``), to see what it costs.
``--service`` adds a row measured in this process on the ingest service alone (500-mention
transactions of the night mix, no HTTP, no server): its CPU per mention is what collapse
adds, with the least noise from a busy machine.

    python bench/ingest.py
    python bench/ingest.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
    python bench/ingest.py --floods --collapse both --no-spike
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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

from app.config import normalise_database_url
from app.db import Database
from app.events import service as events
from app.events.schemas import EventCreate
from app.ingest.sources.base import EventInfo
from app.ingest.sources.simulator.config import SimulatorConfig
from app.ingest.sources.simulator.generator import MentionGenerator
from app.mentions import collapse as flood_collapse
from app.mentions import service as mentions
from app.mentions.schemas import MentionIn
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
WORDS = (
    "goal match keeper referee penalty what a save unbelievable final tonight crowd "
    "stadium coach offside corner header volley chance miss shot post bar free kick "
    "yellow card red card fans sing anthem halftime extra time minute winner champions"
).split()
CHANTS = ("Vamos vamos Argentina, vamos vamos a ganar", "Olé olé olé, we are the champions")


class NightMix:
    """Texts as a busy night has them: distinct posts, and ``flood_share`` of reposts and
    quotes of a few popular posts and copies of a chant (case, punctuation, a handle or a
    few letters changed)."""

    def __init__(self, flood_share: float, seed: int = 7) -> None:
        self.share = flood_share
        self.random = random.Random(seed)
        self.popular: list[str] = []

    def fields(self, external_id: str) -> dict[str, Any]:
        roll = self.random.random()
        if roll >= self.share or not self.popular:
            if len(self.popular) < 20 and self.random.random() < 0.01:
                self.popular.append(external_id)
            words = self.random.choices(WORDS, k=self.random.randint(6, 18))
            return {"text": " ".join(words) + " #CupFinal"}
        third = self.share / 3
        if roll < third:
            return {"text": "", "repost_of_id": self.random.choice(self.popular)}
        if roll < 2 * third:
            words = self.random.choices(WORDS, k=4)
            return {"text": " ".join(words), "quote_of_id": self.random.choice(self.popular)}
        chant = self.random.choice(CHANTS)
        if self.random.random() < 0.5:
            chant = chant.upper() + "!!!"
        if self.random.random() < 0.3:
            chant = f"@friend{self.random.randint(1, 999)} {chant[:-1]}"
        return {"text": chant + " #CupFinal"}


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
    source_us_per_mention: float | None = None


def per_mention_us(before: float | None, after: float | None, stored: int) -> float | None:
    """The server's CPU time over a window, in µs per mention stored in it."""
    if before is None or after is None or stored <= 0:
        return None
    return 1e6 * (after - before) / stored


def generation_us(event: EventInfo, config: dict[str, Any], count: int) -> float:
    """CPU µs per mention of the simulator generating ``count`` mentions as the server's
    source does (after the same 2 s warm-up), here, with nothing stored."""
    generator = MentionGenerator(
        SimulatorConfig.model_validate(config), event, epoch=datetime.now(UTC)
    )
    generator.generate_until(2.0)
    started = time.process_time()
    made = 0
    while made < count:
        made += len(generator.generate_until(generator.next_at + 1.0))
    return 1e6 * (time.process_time() - started) / made


async def bench_http(
    client: httpx.AsyncClient,
    process: Process,
    backend: str,
    batch: int,
    clients: int,
    duration: float,
    mix: NightMix | None = None,
) -> Result:
    event_id = await new_event(client, "Bench: HTTP ingest")
    now = datetime.now(UTC).isoformat()
    counter = iter(range(10**12))

    def mention() -> dict[str, Any]:
        external_id = str(1_900_000_000_000_000_000 + next(counter))
        return {
            "network": "x",
            "external_id": external_id,
            "author": {"handle": "bench_fan", "name": "Bench Fan", "followers": 120},
            "text": "What a goal! #CupFinal",
            "created_at": now,
            "lang": "en",
            **(mix.fields(external_id) if mix else {}),
        }

    def body() -> bytes:
        return orjson.dumps([mention() for _ in range(batch)])

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
    path = f"http ({clients} clients{', night mix' if mix else ''})"
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
    event = EventInfo(event_id, label, hashtags=("CupFinal",), keywords=("cup final",))
    return Result(
        backend,
        label,
        "batcher",
        stored / elapsed,
        elapsed,
        cpu,
        lag,
        per_mention_us(cpu_before, cpu_after, stored),
        generation_us(event, config, stored),
    )


async def bench_service(url: str, label: str, collapse: bool, share: float) -> Result:
    """``ingest()`` in 500-mention transactions in this process: CPU per mention."""
    db = Database(normalise_database_url(url))
    flood_collapse.configure(db, enabled=collapse)
    mix = NightMix(share)
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            event = await events.create(session, EventCreate(name="Bench: service"), actor=None)
        assert event.id is not None
        batches = [
            [
                MentionIn.model_validate(
                    {
                        "network": "x",
                        "external_id": str(1_900_000_000_000_000_000 + b * 500 + n),
                        "author": {"handle": f"fan{n}", "followers": 120},
                        "created_at": now,
                        **mix.fields(str(1_900_000_000_000_000_000 + b * 500 + n)),
                    }
                )
                for n in range(500)
            ]
            for b in range(60)
        ]
        started, cpu_before = time.monotonic(), time.process_time()
        for batch in batches:
            async with db.transaction() as session:
                await mentions.ingest(session, event.id, batch)
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu_before
    finally:
        await db.dispose()
    stored = sum(len(batch) for batch in batches)
    return Result(
        label,
        "service, night mix",
        "500",
        stored / elapsed,
        elapsed,
        100 * cpu / elapsed,
        cpu_us_per_mention=1e6 * cpu / stored,
    )


async def run_backend(backend: str, args: argparse.Namespace, collapse: bool) -> list[Result]:
    results = []
    os.environ["CUEDESK_FLOOD_COLLAPSE"] = "true" if collapse else "false"
    label = f"{backend} collapse {'on' if collapse else 'off'}"
    mix = NightMix(args.flood_share) if args.floods else None
    async with fresh_database(backend, args.postgres) as (url, data_dir):
        token = await prepare(url)
        if args.service or args.only_service:
            results.append(await bench_service(url, label, collapse, args.flood_share))
        if args.only_service:
            return results
        async with server(url, data_dir) as (base, process):
            headers = {"Authorization": f"Bearer {token}"}
            timeout = httpx.Timeout(60.0)
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout) as client:
                results.append(
                    await bench_http(
                        client, process, label, args.batch, args.clients, args.duration, mix
                    )
                )
                steady = {"seed": 1, "rate": 5000, "spikes": False}
                results.append(
                    await bench_simulator(
                        client, process, label, "simulator 5000/s", steady, args.duration
                    )
                )
                if args.spike:
                    spike = {"seed": 1, "rate": 5000, "start_minute": GOAL_MINUTE}
                    results.append(
                        await bench_simulator(
                            client, process, label, "simulator max (spike)", spike, args.duration
                        )
                    )
    return results


def print_table(results: list[Result]) -> None:
    header = (
        "backend", "path", "batch", "mentions/s", "duration s", "server cpu", "cpu/mention",
        "of which source", "per core-second", "lag ms",
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
            "" if r.source_us_per_mention is None else f"{r.source_us_per_mention:.0f} µs",
            "" if not r.cpu_us_per_mention else f"{1e6 / r.cpu_us_per_mention:,.0f}",
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
    parser.add_argument(
        "--floods", action="store_true", help="HTTP mentions as a night's mix with floods"
    )
    parser.add_argument(
        "--flood-share", type=float, default=0.3, help="share of floods in --floods (0.3)"
    )
    parser.add_argument(
        "--service", action="store_true", help="add the in-process ingest service row"
    )
    parser.add_argument(
        "--only-service", action="store_true", help="the service row alone, no server"
    )
    parser.add_argument(
        "--collapse", choices=("on", "off", "both"), default="on", help="flood collapse"
    )
    args = parser.parse_args()

    results: list[Result] = []
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.collapse]
    for backend in ["sqlite"] + (["postgresql"] if args.postgres else []):
        for collapse in modes:
            print(f"running on {backend}, collapse {collapse}...", file=sys.stderr)
            results += await run_backend(backend, args, collapse)
    print_table(results)


if __name__ == "__main__":
    asyncio.run(main())
