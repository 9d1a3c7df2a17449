"""Triage benchmark: how fast a claim, a reply and typing reach every console.

It starts ``uvicorn app.main:create_app`` on a fresh database (SQLite unless ``--postgres``),
opens N console websockets on one event, optionally keeps mentions pouring in at
``--load`` a second, and then, one after another, ``--claims`` times:

* claims a mention over HTTP and times until every console has its ``mention.claimed``;
* replies to it and times until every console has its ``reply.published`` (dry-run);
* has one console send ``typing`` on it and times until every other console's presence
  shows it.

Figures are per console and action (ms, from just before the HTTP call or the socket
send to the frame's receipt): p50, p99 and max. The issue's target is 300 ms for claims
and typing.

    python bench/triage.py
    python bench/triage.py --consoles 100 --claims 50 --load 500
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.auth import service as auth
from app.auth import tokens
from app.config import normalise_database_url
from app.db import Database
from bench.common import fresh_database, last_seq, new_event, prepare, server


class Console:
    """A websocket that notes when it first saw each (kind, key)."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.seen: dict[tuple[str, Any], float] = {}
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            frame = orjson.loads(raw)
            if frame["type"] == "entries":
                for entry in frame["entries"]:
                    kind = entry["type"]
                    if kind == "mention.claimed":
                        self.seen.setdefault((kind, entry["data"]["mention_id"]), now)
                    elif kind == "reply.published":
                        self.seen.setdefault((kind, entry["data"]["reply"]["mention_id"]), now)
            elif frame["type"] == "presence":
                for user in frame["users"]:
                    for ref in user.get("typing", []):
                        self.seen.setdefault(("typing", ref), now)
            elif frame["type"] == "ping":
                await self.socket.send('{"type":"pong"}')


async def until_all(consoles: list[Console], key: tuple[str, Any], timeout: float = 10) -> None:
    deadline = time.perf_counter() + timeout
    while any(key not in c.seen for c in consoles):
        if time.perf_counter() > deadline:
            missing = sum(key not in c.seen for c in consoles)
            raise RuntimeError(f"{missing} consoles never saw {key}")
        await asyncio.sleep(0.002)


async def operator_token(url: str) -> str:
    db = Database(normalise_database_url(url))
    try:
        async with db.transaction() as session:
            user = await auth.create_user(
                session, username="typist", password="bench password", role="operator"
            )
            _row, token = await tokens.create_api_token(session, user, name="bench")
            return token
    finally:
        await db.dispose()


async def pour(client: httpx.AsyncClient, event_id: int, rate: float, stop: asyncio.Event) -> None:
    """Background ingest at ``rate`` a second, ten batches a second."""
    n = 0
    while not stop.is_set():
        batch = max(1, round(rate / 10))
        items = [
            {
                "network": "x",
                "external_id": f"load-{n + i}",
                "author": {"handle": f"fan{n + i}"},
                "text": "What a match #CupFinal",
                "created_at": datetime.now(UTC).isoformat(),
            }
            for i in range(batch)
        ]
        n += batch
        await client.post(f"/api/events/{event_id}/mentions", json=items)
        await asyncio.sleep(0.1)


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"p50 {statistics.median(ordered):6.1f}  p99 {p99:6.1f}  max {ordered[-1]:6.1f} ms"
        f"  ({len(ordered)} samples)"
    )


async def run(args: argparse.Namespace) -> None:
    backend = "postgres" if args.postgres else "sqlite"
    async with fresh_database(backend, args.postgres) as (url, data_dir):
        token = await prepare(url)
        typist_token = await operator_token(url)
        async with server(url, data_dir) as (base, _process):
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as api:
                event_id = await new_event(api, "Triage bench")
                mentions = [
                    {
                        "network": "x",
                        "external_id": str(i),
                        "author": {"handle": f"fan{i}"},
                        "text": f"Question {i} #CupFinal?",
                        "created_at": datetime.now(UTC).isoformat(),
                    }
                    for i in range(args.claims)
                ]
                await api.post(f"/api/events/{event_id}/mentions", json=mentions)
                listed = await api.get(
                    f"/api/events/{event_id}/mentions", params={"limit": args.claims}
                )
                ids = [item["id"] for item in listed.json()["items"]]
                after = await last_seq(api, event_id)
                ws = base.replace("http", "ws") + f"/ws/events/{event_id}?after_seq={after}"
                sockets = [
                    await connect(ws, additional_headers=headers, compression=None)
                    for _ in range(args.consoles)
                ]
                typist = await connect(
                    ws,
                    additional_headers={"Authorization": f"Bearer {typist_token}"},
                    compression=None,
                )
                consoles = [Console(s) for s in sockets]
                stop = asyncio.Event()
                load = (
                    asyncio.create_task(pour(api, event_id, args.load, stop)) if args.load else None
                )
                await asyncio.sleep(1)
                claimed: list[float] = []
                published: list[float] = []
                typing: list[float] = []
                try:
                    for mention_id in ids:
                        start = time.perf_counter()
                        grant = (await api.post(f"/api/mentions/{mention_id}/claim")).json()
                        await until_all(consoles, ("mention.claimed", mention_id))
                        claimed += [
                            1000 * (c.seen[("mention.claimed", mention_id)] - start)
                            for c in consoles
                        ]
                        ref = f"mention:{mention_id}"
                        start = time.perf_counter()
                        await typist.send(
                            orjson.dumps({"type": "view", "viewing": ref, "typing": True}).decode()
                        )
                        await until_all(consoles, ("typing", ref))
                        typing += [1000 * (c.seen[("typing", ref)] - start) for c in consoles]
                        start = time.perf_counter()
                        await api.post(
                            f"/api/mentions/{mention_id}/reply",
                            json={"text": "Thanks for watching!", "fence": grant["fence"]},
                        )
                        await until_all(consoles, ("reply.published", mention_id))
                        published += [
                            1000 * (c.seen[("reply.published", mention_id)] - start)
                            for c in consoles
                        ]
                finally:
                    stop.set()
                    if load:
                        await load
                    for s in [*sockets, typist]:
                        await s.close()
    print(
        f"{backend}, {args.consoles} consoles, {args.claims} claims, "
        f"background ingest {args.load:g}/s"
    )
    print(f"  claim   -> every console  {figures(claimed)}")
    print(f"  typing  -> every console  {figures(typing)}")
    print(f"  reply   -> published seen {figures(published)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--claims", type=int, default=30)
    parser.add_argument("--load", type=float, default=0, help="background mentions a second")
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL (admin URL)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
