"""Listening under load: fake X and Jetstream streams sending to a real server.

Each half starts the server (``uvicorn``, its own process, SQLite, flood collapse on unless
``--collapse off``) with one source on a local fake of its network, and a console websocket
of the event's stream notes when each stamped post arrives. It prints the lag from the fake
server's send to the console (p50, p99, max), how many of the posts sent in the measured
window arrived, and the server's CPU share (its process time over the window; the fakes
and the console run in this process, not the server's).

X half (``bench_x``): a fake X API v2 (bench/fake_x_stream.py: rules, recent search and
the filtered stream as chunked newline-delimited JSON with ``\\r\\n`` keep-alives) sends
``--x-rate`` posts a second (250), each matching the event's rule, its send time in its
text; an ``x`` source listens with a bearer token.

Bluesky half (``bench_jetstream``): a local Jetstream v1 websocket sends ``--rate`` posts a
second (3,000), one in ``--match-every`` (20) carrying the event's hashtag as a facet and
its send time in its text; a local AppView answers every author. Then the ``bluesky``
source alone in this process: every frame through ``BlueskySource.handle``, its CPU.

    python bench/sources.py                      # X, then Bluesky
    python bench/sources.py --only x --duration 10
    python bench/sources.py --only bluesky --rate 3000 --match-every 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
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
    fresh_database,
    last_seq,
    new_event,
    prepare,
    run_queue_seconds,
    server,
)
from bench.fake_x_stream import FiringX
from tests.fakes.server import serve_asgi
from tests.fakes.x_stream import TOKEN as X_TOKEN

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
        self.sent: list[float] = []  # the send time of each matching post

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
                    event, sent_at = _matching(n), time.time()
                    event["commit"]["record"]["text"] += f" benchsent={sent_at:.6f}"
                    frame = orjson.dumps(event)
                    self.sent.append(sent_at)
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


def fake_appview() -> contextlib.AbstractAsyncContextManager[str]:
    return serve_asgi(Starlette(routes=[Route("/xrpc/app.bsky.actor.getProfiles", _profiles)]))


@dataclass
class Measured:
    """What one half measured: the sends in its window and the arrivals of those sends."""

    seconds: float
    sent: int
    lags_ms: list[float]
    cpu_percent: float | None
    # The same server with its console connected and no source, just before: its floor.
    idle_cpu_percent: float | None
    # How long the server's main thread was runnable but had no CPU, share of the window:
    # what a loaded machine adds to the lag.
    wait_percent: float | None


async def _console(url: str, token: str, arrivals: list[tuple[float, float]]) -> None:
    """Note (send time, arrival time) of every stamped mention the event's stream brings."""
    async with connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None
    ) as socket:
        async for message in socket:
            raw = message if isinstance(message, bytes) else message.encode()
            if MARK not in raw:
                continue
            received = time.time()
            for entry in orjson.loads(raw).get("entries", ()):
                if entry.get("type") != "mention.received":
                    continue
                data = entry.get("data", {})
                text = data.get("text") or data.get("mention", {}).get("text", "")
                if "benchsent=" in text:
                    arrivals.append((float(text.rsplit("benchsent=", 1)[1]), received))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def listen(kind: str, sent: list[float], duration: float) -> Measured:
    """A real server with a ``kind`` source on the fake the environment points at: the
    server's CPU over ``duration`` s after a 2 s warm-up, and the lag of every stamped post
    sent in that window (waiting up to 10 s more for the last of them)."""
    arrivals: list[tuple[float, float]] = []
    async with contextlib.AsyncExitStack() as stack:
        url, data_dir = await stack.enter_async_context(fresh_database("sqlite", None))
        token = await prepare(url)
        base, process = await stack.enter_async_context(server(url, data_dir))
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"})
        )
        event_id = await new_event(client, f"Bench: {kind}")
        ws_url = base.replace("http", "ws") + f"/ws/events/{event_id}"
        ws_url += f"?after_seq={await last_seq(client, event_id)}"
        console = asyncio.create_task(_console(ws_url, token, arrivals))
        idle_before, idle_started = cpu_seconds(process.pid), time.monotonic()
        await asyncio.sleep(2.0)
        idle = cpu_share(idle_before, cpu_seconds(process.pid), time.monotonic() - idle_started)
        response = await client.post(f"/api/events/{event_id}/sources", json={"kind": kind})
        response.raise_for_status()
        await asyncio.sleep(2.0)  # warm up: connected, authors cached, the batcher running
        cpu_before, started, window_from = cpu_seconds(process.pid), time.monotonic(), time.time()
        wait_before = run_queue_seconds(process.pid)
        await asyncio.sleep(duration)
        cpu_after, elapsed, window_to = (
            cpu_seconds(process.pid),
            time.monotonic() - started,
            time.time(),
        )
        wait = cpu_share(wait_before, run_queue_seconds(process.pid), elapsed)
        in_window = [s for s in sent if window_from <= s < window_to]
        for _ in range(100):
            arrived = [(s, r) for s, r in arrivals if window_from <= s < window_to]
            if len(arrived) >= len(in_window):
                break
            await asyncio.sleep(0.1)
        console.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await console
    lags = [(received - sent_at) * 1000 for sent_at, received in arrived]
    cpu = cpu_share(cpu_before, cpu_after, elapsed)
    return Measured(elapsed, len(in_window), lags, cpu, idle, wait)


def report(name: str, what: str, measured: Measured) -> bool:
    """Print one half's figures; False when nothing arrived."""
    print(f"{name}: {what}, {measured.seconds:.1f} s measured")
    lags = measured.lags_ms
    if not lags:
        print(f"  none of the {measured.sent} posts sent reached the console")
        return False
    print(
        f"  send-to-console lag: p50 {percentile(lags, 0.5):.0f} ms, "
        f"p99 {percentile(lags, 0.99):.0f} ms, max {max(lags):.0f} ms"
    )
    print(
        f"  arrived {len(lags)} of {measured.sent} sent in the window "
        f"({len(lags) / measured.seconds:.0f}/s)"
    )
    share, idle = measured.cpu_percent, measured.idle_cpu_percent
    if share is None or idle is None:
        print("  server CPU: n/a")
    else:
        print(f"  server CPU: {share:.0f}% of a core ({idle:.0f}% before the source started)")
    if measured.wait_percent is not None:
        print(f"  the server waited for a CPU {measured.wait_percent:.0f}% of the window")
    return True


async def bench_x(args: argparse.Namespace) -> bool:
    fake = FiringX(rate=args.x_rate, authors=AUTHORS[0])
    async with serve_asgi(fake.app()) as url:
        os.environ["CUEDESK_X_API_URL"] = url
        os.environ["CUEDESK_X_BEARER_TOKEN"] = X_TOKEN
        measured = await listen("x", fake.sent, args.duration)
    reconnects = (
        f", {len(fake.stream_requests) - 1} reconnects" if len(fake.stream_requests) > 1 else ""
    )
    return report("x", f"{args.x_rate}/s posts on the filtered stream{reconnects}", measured)


async def bench_jetstream(args: argparse.Namespace) -> bool:
    fake = FiringJetstream(args.rate, args.match_every, args.duration)
    async with contextlib.AsyncExitStack() as stack:
        ws = await stack.enter_async_context(serve(fake.handler, "127.0.0.1", 0))
        port = next(iter(ws.sockets)).getsockname()[1]
        os.environ["CUEDESK_BLUESKY_JETSTREAM_URL"] = f"ws://127.0.0.1:{port}/subscribe"
        os.environ["CUEDESK_BLUESKY_APPVIEW_URL"] = await stack.enter_async_context(fake_appview())
        measured = await listen("bluesky", fake.sent, args.duration)
    return report("bluesky", f"{args.rate}/s posts, 1 in {args.match_every} matching", measured)


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


async def run(args: argparse.Namespace) -> bool:
    os.environ["CUEDESK_FLOOD_COLLAPSE"] = "true" if args.collapse == "on" else "false"
    print(f"flood collapse {args.collapse}", file=sys.stderr)
    arrived = True
    if args.only in (None, "x"):
        arrived &= await bench_x(args)
    if args.only in (None, "bluesky"):
        arrived &= await bench_jetstream(args)
        await bench_jetstream_filter(args)
    return arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("x", "bluesky"), help="run one half (both by default)")
    parser.add_argument("--x-rate", type=int, default=250, help="posts a second on X's stream")
    parser.add_argument("--rate", type=int, default=3000, help="posts a second on the firehose")
    parser.add_argument("--match-every", type=int, default=20, help="one post in N matches")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured")
    parser.add_argument("--authors", type=int, default=5000, help="distinct matching authors")
    parser.add_argument("--collapse", choices=("on", "off"), default="on", help="flood collapse")
    args = parser.parse_args()
    AUTHORS[0] = args.authors
    if not asyncio.run(run(args)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
