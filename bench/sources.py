"""Listening under load: a fake Jetstream sending the post firehose to a real server.

Bluesky half (``bench_jetstream``): a local Jetstream v1 websocket sends ``--rate`` posts a
second (3,000 by default), one in ``--match-every`` (20) carrying the event's hashtag as a
facet and its send time in its text; a local AppView answers every author. The server
(``uvicorn``, its own process, flood collapse as configured: on by default) runs a
``bluesky`` source on it; a console websocket of the event's stream notes when each
matching post arrives. It prints the lag from the fake server's send to the console (p50,
p99), how many matching posts arrived, and the server's CPU share (its process time over
the measured seconds; the fake and the console run in this process, not the server's).

    python bench/sources.py
    python bench/sources.py --rate 3000 --duration 20 --match-every 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from app.networks.bluesky.appview import ProfileBook
from bench.common import (
    cpu_seconds,
    cpu_share,
    free_port,
    fresh_database,
    last_seq,
    new_event,
    prepare,
    server,
)

FIXTURE = Path(__file__).resolve().parent.parent / "tests/data/networks"
MARK = b"benchsent="
# Distinct authors of the matching posts (a list so --authors can set it).
AUTHORS = [5000]


def _templates() -> list[dict[str, Any]]:
    """The real creates of the 152-event corpus: what the non-matching firehose looks like."""
    lines = (FIXTURE / "jetstream_v1_expected_152events.jsonl").read_text().splitlines()
    events = [orjson.loads(line) for line in lines]
    return [
        e
        for e in events
        if e.get("kind") == "commit"
        and e["commit"].get("operation") == "create"
        and e["commit"].get("collection") == "app.bsky.feed.post"
        and b"cupfinal" not in orjson.dumps(e).lower()
    ]


def _matching(n: int) -> dict[str, Any]:
    text = "#CupFinal what a goal " + "x" * 80
    return {
        "did": f"did:plc:fan{n % AUTHORS[0]:06d}",
        "kind": "commit",
        "commit": {
            "rev": "3mptbypoove2w",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3bench{n:09d}",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": "2026-07-04T14:38:07.323Z",
                "facets": [
                    {
                        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "CupFinal"}],
                        "index": {"byteStart": 0, "byteEnd": 9},
                    }
                ],
                "langs": ["en"],
                "text": text,
            },
            "cid": "bafyreifjsh3dec2j6d7nqh7l4ipfd6xbtpv5tf6lqk2fpsx77aa4uyypim",
        },
    }


class FiringJetstream:
    def __init__(self, rate: int, match_every: int, duration: float) -> None:
        self.rate, self.match_every, self.duration = rate, match_every, duration
        templates = _templates()
        self.frames: list[bytes | None] = []  # None: a matching post, stamped when sent
        for n in range(int(rate * (duration + 5))):
            if n % match_every == 0:
                self.frames.append(None)
            else:
                event = dict(templates[n % len(templates)])
                event["commit"] = {**event["commit"], "rkey": f"3other{n:09d}"}
                self.frames.append(orjson.dumps(event))
        self.sent_matching = 0

    async def handler(self, websocket: ServerConnection) -> None:
        tick, started, n = 0.01, time.monotonic(), 0
        per_tick = self.rate * tick
        due = 0.0
        while n < len(self.frames):
            due += per_tick
            while n < min(len(self.frames), int(due)):
                frame = self.frames[n]
                time_us = int(time.time() * 1e6)
                if frame is None:
                    event = _matching(n)
                    event["commit"]["record"]["text"] += f" benchsent={time.time():.6f}"
                    frame = orjson.dumps(event)
                    self.sent_matching += 1
                # time_us leads, as Jetstream writes it
                try:
                    await websocket.send(b'{"time_us":%d,' % time_us + frame[1:], text=True)
                except ConnectionClosed:
                    return  # the source stopped with the server
                n += 1
            await asyncio.sleep(max(0.0, started + (tick * (n / per_tick)) - time.monotonic()))
        await websocket.wait_closed()


async def _profiles(request: Request) -> JSONResponse:
    actors = request.query_params.getlist("actors")
    return JSONResponse(
        {
            "profiles": [
                {"did": a, "handle": f"{a[8:]}.bsky.social", "followersCount": 10} for a in actors
            ]
        }
    )


@contextlib.asynccontextmanager
async def fake_appview() -> AsyncIterator[str]:
    port = free_port()
    app = Starlette(routes=[Route("/xrpc/app.bsky.actor.getProfiles", _profiles)])
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    for _ in range(500):
        if instance.started:
            break
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        await task


async def _console(url: str, token: str, lags: list[float]) -> None:
    async with connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None
    ) as socket:
        async for message in socket:
            raw = message if isinstance(message, bytes) else message.encode()
            if MARK not in raw:
                continue
            received = time.time()
            for entry in orjson.loads(raw).get("entries", ()):
                data = entry.get("data", {})
                text = data.get("text") or data.get("mention", {}).get("text", "")
                if "benchsent=" in text:
                    lags.append((received - float(text.rsplit("benchsent=", 1)[1])) * 1000)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def bench_jetstream(args: argparse.Namespace) -> None:
    fake = FiringJetstream(args.rate, args.match_every, args.duration)
    lags: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        ws = await stack.enter_async_context(serve(fake.handler, "127.0.0.1", 0))
        port = next(iter(ws.sockets)).getsockname()[1]
        os.environ["CUEDESK_BLUESKY_JETSTREAM_URL"] = f"ws://127.0.0.1:{port}/subscribe"
        os.environ["CUEDESK_BLUESKY_APPVIEW_URL"] = await stack.enter_async_context(fake_appview())
        url, data_dir = await stack.enter_async_context(fresh_database("sqlite", None))
        token = await prepare(url)
        base, process = await stack.enter_async_context(server(url, data_dir))
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"})
        )
        event_id = await new_event(client, "Bench: Bluesky")
        ws_url = base.replace("http", "ws") + f"/ws/events/{event_id}"
        ws_url += f"?after_seq={await last_seq(client, event_id)}"
        console = asyncio.create_task(_console(ws_url, token, lags))
        await asyncio.sleep(0.5)
        response = await client.post(f"/api/events/{event_id}/sources", json={"kind": "bluesky"})
        response.raise_for_status()
        await asyncio.sleep(2.0)  # warm up: authors cached, the batcher running
        lags.clear()
        cpu_before, started = cpu_seconds(process.pid), time.monotonic()
        await asyncio.sleep(args.duration)
        cpu_after, elapsed = cpu_seconds(process.pid), time.monotonic() - started
        measured = list(lags)
        console.cancel()
    share = cpu_share(cpu_before, cpu_after, elapsed)
    print(
        f"bluesky: {args.rate}/s posts, 1 in {args.match_every} matching, {elapsed:.1f} s measured"
    )
    if not measured:
        print("  no matching post reached the console")
        raise SystemExit(1)
    print(
        f"  send-to-console lag: p50 {percentile(measured, 0.5):.0f} ms, "
        f"p99 {percentile(measured, 0.99):.0f} ms, max {max(measured):.0f} ms "
        f"({len(measured)} matching posts, {len(measured) / elapsed:.0f}/s)"
    )
    print(f"  server CPU: {share:.0f}% of a core" if share is not None else "  server CPU: n/a")


async def bench_jetstream_filter(args: argparse.Namespace) -> None:
    """The source's own cost, in this process: every frame of the firehose through
    ``BlueskySource.handle`` (pre-check, parse of the candidates, the mention), profiles
    already cached, into a sink that keeps nothing. CPU per second of firehose at --rate."""
    from app.config import Settings
    from app.ingest.sources.base import EventInfo, SourceContext
    from app.mentions.schemas import AuthorIn
    from app.networks.bluesky.source import BlueskyConfig, BlueskySource

    fake = FiringJetstream(args.rate, args.match_every, 0)
    frames = [
        b'{"time_us":%d,' % (1_783_175_888_000_000 + n)
        + (f if f is not None else orjson.dumps(_matching(n)))[1:]
        for n, f in enumerate(fake.frames)
    ]
    delivered = 0

    async def sink(items: Any) -> None:
        nonlocal delivered
        delivered += len(items)

    event = EventInfo(1, "Bench", hashtags=("CupFinal",), keywords=("cup final",))
    context = SourceContext(1, event, datetime.now(UTC), sink, settings=Settings())
    source = BlueskySource(context, BlueskyConfig())
    async with httpx.AsyncClient() as http:
        source.book = ProfileBook(http, "http://127.0.0.1:9")
        for n in range(AUTHORS[0]):  # every author known: this measures the stream, not the AppView
            source.book.remember(f"did:plc:fan{n:06d}", AuthorIn(handle=f"fan{n}.bsky.social"))
        started = time.process_time()
        for frame in frames:
            await source.handle(frame)
        cpu = time.process_time() - started
    seconds = len(frames) / args.rate
    print(
        f"  source alone: {len(frames)} frames ({delivered} matching) in {cpu * 1000:.0f} ms "
        f"of CPU: {100 * cpu / seconds:.1f}% of a core at {args.rate}/s "
        f"({1e6 * cpu / len(frames):.1f} µs a frame)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=3000, help="posts a second on the firehose")
    parser.add_argument("--match-every", type=int, default=20, help="one post in N matches")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured")
    parser.add_argument("--authors", type=int, default=5000, help="distinct matching authors")
    args = parser.parse_args()
    AUTHORS[0] = args.authors
    asyncio.run(bench_jetstream(args))
    asyncio.run(bench_jetstream_filter(args))


if __name__ == "__main__":
    main()
