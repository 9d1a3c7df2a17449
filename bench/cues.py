"""Cue benchmark: fire-to-published-on-every-console, while mentions pour in.

It starts ``uvicorn app.main:create_app`` (per-message deflate off, default settings,
dry-run publishers) on a fresh SQLite database (PostgreSQL with ``--postgres``), creates
an event with ``--cues`` manual cues of ``--drafts`` approved drafts each, every draft with
a text on X, Mastodon and Bluesky (so a firing queues drafts x 3 posts), opens
``--consoles`` console websockets in worker processes, and POSTs mentions at ``--rate`` a
second (bench/stream.py's paced loop). After ``--warmup`` seconds it fires the cues one
after another, ``--gap`` seconds apart, through ``POST /api/cues/{id}/fire``.

For each firing and each console, the latency is from just before the fire request to the
moment that console has received the ``post.published`` entry of every post of the
firing. Printed: p50, p99 and max over every (firing, console) pair; the fire request's own
answer time (p50/max); and the 1-minute load average at the start (another job on the
machine distorts every figure: re-run).

    python bench/cues.py
    python bench/cues.py --consoles 50 --rate 500 --cues 10 --drafts 10
    python bench/cues.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import normalise_database_url
from app.db import Database
from app.drafts.models import Draft
from bench.common import fresh_database, last_seq, new_event, prepare, server
from bench.stream import SERVER_ARGS, ingest

PUBLISHED = b"post.published"


def epoch(stamp: str) -> float:
    """A journal time (``…T20:00:00.123Z``) in seconds since the epoch."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


# -- the consoles (worker processes) ---------------------------------------------------------


async def _console(
    socket: ClientConnection, done: dict[int, list[tuple[float, float]]], target: int
) -> None:
    """Count each firing's published posts as they arrive; note when all have."""
    counts: dict[int, int] = {}
    async for message in socket:
        raw = message if isinstance(message, bytes) else message.encode()
        if PUBLISHED not in raw:
            continue  # mentions: not what this console times (and not worth parsing)
        received = time.time()
        frame = orjson.loads(raw)
        for entry in frame.get("entries", ()):
            if entry["type"] != "post.published":
                continue
            cue_id = entry["data"]["post"]["cue_id"]
            counts[cue_id] = counts.get(cue_id, 0) + 1
            if counts[cue_id] == target:
                # When it arrived, and when the server journaled it (the last post's
                # published entry): the difference is the live stream's part.
                done.setdefault(cue_id, []).append((received, epoch(entry["at"])))


async def _heartbeat(sockets: list[ClientConnection]) -> None:
    while True:
        await asyncio.sleep(10)
        for socket in sockets:
            with contextlib.suppress(Exception):
                await socket.send('{"type":"ping"}')


async def _worker(pipe: Connection, url: str, token: str, count: int, target: int) -> None:
    sockets = []
    for _ in range(count):
        socket = await connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            compression=None,
            max_size=None,
        )
        hello = orjson.loads(await socket.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello!r}")
        sockets.append(socket)
    done: dict[int, list[tuple[float, float]]] = {}
    readers = [asyncio.create_task(_console(s, done, target)) for s in sockets]
    beat = asyncio.create_task(_heartbeat(sockets))
    pipe.send(("ready", count))
    await asyncio.to_thread(pipe.recv)  # ("stop",)
    beat.cancel()
    for reader in readers:
        reader.cancel()
    for socket in sockets:
        with contextlib.suppress(Exception):
            await socket.close()
    pipe.send(("result", done))


def run_worker(pipe: Connection, url: str, token: str, count: int, target: int) -> None:
    try:
        asyncio.run(_worker(pipe, url, token, count, target))
    except Exception as exc:
        pipe.send(("error", repr(exc)))


@contextlib.asynccontextmanager
async def workers(
    count: int, sockets: int, url: str, token: str, target: int
) -> AsyncIterator[list[Connection]]:
    context = multiprocessing.get_context("spawn")
    started: list[tuple[BaseProcess, Connection]] = []
    try:
        for index in range(count):
            share = sockets // count + (1 if index < sockets % count else 0)
            ours, theirs = context.Pipe()
            process = context.Process(
                target=run_worker, args=(theirs, url, token, share, target), daemon=True
            )
            process.start()
            theirs.close()
            started.append((process, ours))
        yield [pipe for _process, pipe in started]
    finally:
        for _process, pipe in started:
            pipe.close()
        for process, _pipe in started:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()


async def receive(pipe: Connection, expected: str, timeout: float = 120) -> Any:
    def wait() -> Any:
        if not pipe.poll(timeout):
            raise TimeoutError(f"no {expected!r} from a console worker within {timeout:.0f} s")
        return pipe.recv()

    message = await asyncio.to_thread(wait)
    if message[0] != expected:
        raise RuntimeError(f"a console worker sent {message!r}, expected {expected!r}")
    return message[1]


# -- the run ----------------------------------------------------------------------------------


async def make_sheet(
    client: httpx.AsyncClient, database_url: str, event_id: int, cues: int, drafts: int
) -> list[int]:
    cue_ids = []
    for n in range(cues):
        response = await client.post(f"/api/events/{event_id}/cues", json={"title": f"Cue {n}"})
        response.raise_for_status()
        cue_ids.append(int(response.json()["id"]))
    db = Database(normalise_database_url(database_url))
    try:
        async with db.transaction() as session:
            for cue_id in cue_ids:
                for position in range(drafts):
                    text = f"Cue {cue_id}, draft {position}: what a moment! #CupFinal"
                    texts = {"x": text, "mastodon": text, "bluesky": text}
                    session.add(
                        Draft(
                            event_id=event_id,
                            cue_id=cue_id,
                            position=position,
                            title=f"Draft {position}",
                            status="approved",
                            content={"posts": [{"texts": texts, "attachment_ids": []}]},
                        )
                    )
    finally:
        await db.dispose()
    return cue_ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    backend = "postgresql" if args.postgres else "sqlite"
    async with contextlib.AsyncExitStack() as stack:
        url, data_dir = await stack.enter_async_context(fresh_database(backend, args.postgres))
        token = await prepare(url)
        base, _process = await stack.enter_async_context(server(url, data_dir, SERVER_ARGS))
        headers = {"Authorization": f"Bearer {token}"}
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, headers=headers, timeout=30)
        )
        event_id = await new_event(client, "Cue bench")
        cue_ids = await make_sheet(client, url, event_id, args.cues, args.drafts)
        target = args.drafts * 3
        ws_url = base.replace("http", "ws") + f"/ws/events/{event_id}"
        ws_url += f"?after_seq={await last_seq(client, event_id)}"
        pipes = await stack.enter_async_context(
            workers(args.workers, args.consoles, ws_url, token, target)
        )
        for pipe in pipes:
            await receive(pipe, "ready")
        print(f"  {args.consoles} consoles ready; ingesting {args.rate}/s", file=sys.stderr)
        duration = args.warmup + args.cues * args.gap + args.settle
        load_task = asyncio.create_task(
            ingest([client], event_id, args.rate, duration, args.interval)
        )
        await asyncio.sleep(args.warmup)
        fired_at: dict[int, float] = {}
        answers: list[float] = []
        for cue_id in cue_ids:
            fired_at[cue_id] = time.time()
            response = await client.post(f"/api/cues/{cue_id}/fire")
            answers.append(time.time() - fired_at[cue_id])
            response.raise_for_status()
            await asyncio.sleep(args.gap)
        accepted, sent_from, sent_to = await load_task
        done: dict[int, list[tuple[float, float]]] = {}
        for pipe in pipes:
            pipe.send(("stop",))
        for pipe in pipes:
            for cue_id, times in (await receive(pipe, "result")).items():
                done.setdefault(cue_id, []).extend(times)
    latencies = [
        (moment - fired_at[cue_id]) * 1000
        for cue_id, times in done.items()
        for moment, _journaled in times
    ]
    journaled = [
        (max(at for _moment, at in times) - fired_at[cue_id]) * 1000
        for cue_id, times in done.items()
    ]
    expected = args.cues * args.consoles
    print(
        f"{backend}: {args.consoles} consoles, {accepted / (sent_to - sent_from):,.0f} "
        f"mentions/s ingested, {args.cues} firings of {args.drafts} drafts x 3 networks "
        f"({target} posts each), load {load:.1f}"
    )
    if not latencies:
        print("  no firing reached every console")
        raise SystemExit(1)
    print(
        f"  fire-to-published-on-every-console: p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies):.0f} ms "
        f"({len(latencies)}/{expected} console-firings complete)"
    )
    print(
        f"  of which fire-to-last-post-published-in-the-journal: "
        f"p50 {statistics.median(journaled):.0f} ms, max {max(journaled):.0f} ms"
    )
    print(
        f"  fire request answered: p50 {statistics.median(answers) * 1000:.0f} ms, "
        f"max {max(answers) * 1000:.0f} ms"
    )
    if len(latencies) < expected:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="console worker processes")
    parser.add_argument("--rate", type=int, default=500, help="mentions a second")
    parser.add_argument("--cues", type=int, default=10, help="firings measured")
    parser.add_argument("--drafts", type=int, default=10, help="drafts per cue (x 3 networks)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before")
    parser.add_argument("--gap", type=float, default=2.0, help="seconds between firings")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of load after")
    parser.add_argument("--interval", type=float, default=0.015, help="seconds between POSTs")
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
