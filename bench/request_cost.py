"""Request cost benchmark: the CPU one API request costs the server, and the trips it makes.

Builds the app (``create_app``) in this process on a fresh database, runs its lifespan, and
calls it as uvicorn would (an ASGI scope, the body, a ``send`` that keeps the answer), one
request at a time, with an API token. No HTTP client or socket shares the CPU, so the
figures move less with a busy machine than ``bench/ingest.py``'s; they leave out uvicorn's
HTTP parsing (about the same for every request).

Rows: ``POST /api/events/{id}/mentions`` with ``--batch`` (25) mentions, and with one;
``GET /api/events/{id}``, ``GET /api/auth/me`` and ``GET /healthz``. ``cpu/request`` is this
process's CPU time (all threads) per request, ``cpu/mention`` the same per stored mention,
and ``trips`` how many calls a request sent to SQLite's thread (aiosqlite's queue: each
costs a thread hand-over and a wake-up of the event loop; PostgreSQL has none).

    python bench/request_cost.py
    python bench/request_cost.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_database, prepare

Call = Callable[[str, str, bytes], Any]


class TripCounter:
    """Counts the calls an aiosqlite connection sends to its thread (every connection)."""

    def __init__(self) -> None:
        self.trips = 0
        original = aiosqlite.Connection._execute
        counter = self

        async def counted(connection: aiosqlite.Connection, fn: Any, *args: Any, **kw: Any) -> Any:
            counter.trips += 1
            return await original(connection, fn, *args, **kw)

        aiosqlite.Connection._execute = counted  # type: ignore[method-assign,assignment]


def scope(path: str, method: str, token: str, body: bytes) -> dict[str, Any]:
    headers = [
        (b"host", b"bench"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


def caller(app: Any, state: dict[str, Any], token: str) -> Call:
    async def call(method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client never disconnects
            raise AssertionError

        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        request = scope(path, method, token, body)
        request["state"] = dict(state)
        await app(request, receive, send)
        return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])

    return call


def mentions_body(size: int, numbers: Any, now: str) -> bytes:
    return orjson.dumps(
        [
            {
                "network": "x",
                "external_id": str(1_900_000_000_000_000_000 + next(numbers)),
                "author": {"handle": "bench_fan", "name": "Bench Fan", "followers": 120},
                "text": "What a goal! #CupFinal",
                "created_at": now,
                "lang": "en",
            }
            for _ in range(size)
        ]
    )


async def measure(
    call: Call, counter: TripCounter, method: str, path: str, bodies: list[bytes]
) -> tuple[float, float]:
    """CPU µs and trips per request over ``bodies`` (one request each), after a warm-up."""
    for body in bodies[:50]:
        status, answer = await call(method, path, body)
        assert status == 200, answer
    rest = bodies[50:]
    trips, started = counter.trips, time.process_time()
    for body in rest:
        await call(method, path, body)
    return 1e6 * (time.process_time() - started) / len(rest), (counter.trips - trips) / len(rest)


Row = tuple[str, float, float, int]  # name, CPU µs a request, trips a request, mentions


async def run(url: str, data_dir: Path, batch: int, requests: int) -> list[Row]:
    token = await prepare(url)
    os.environ.update(
        {
            "CUEDESK_DATABASE_URL": url,
            "CUEDESK_DATA_DIR": str(data_dir),
            "CUEDESK_ENVIRONMENT": "development",
        }
    )
    from app.main import create_app

    counter = TripCounter()
    app = create_app()
    rows: list[Row] = []
    async with app.router.lifespan_context(app) as state:
        call = caller(app, dict(state or {}), token)
        status, answer = await call("POST", "/api/events", orjson.dumps({"name": "Bench"}))
        assert status in (200, 201), answer
        event_id = orjson.loads(answer)["id"]
        numbers, now = iter(range(10**12)), datetime.now(UTC).isoformat()
        for size in (batch, 1):
            bodies = [mentions_body(size, numbers, now) for _ in range(requests + 50)]
            path = f"/api/events/{event_id}/mentions"
            cpu, trips = await measure(call, counter, "POST", path, bodies)
            rows.append((f"POST …/mentions, {size} a request", cpu, trips, size))
        for path in (f"/api/events/{event_id}", "/api/auth/me", "/healthz"):
            cpu, trips = await measure(call, counter, "GET", path, [b""] * (requests + 50))
            rows.append((f"GET {path.replace(str(event_id), '{id}')}", cpu, trips, 0))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server instead")
    parser.add_argument("--batch", type=int, default=25, help="mentions per ingest request")
    parser.add_argument("--requests", type=int, default=1000, help="requests a row")
    args = parser.parse_args()
    backend = "postgresql" if args.postgres else "sqlite"
    async with fresh_database(backend, args.postgres) as (url, data_dir):
        rows = await run(url, data_dir, args.batch, args.requests)
    print(f"{backend}: {args.requests} requests a row, one at a time")
    print(f"{'request':34}  {'cpu/request':>11}  {'cpu/mention':>11}  {'trips':>5}")
    for name, cpu, trips, size in rows:
        per_mention = f"{cpu / size:,.0f} µs" if size else ""
        print(f"{name:34}  {cpu:>8,.0f} µs  {per_mention:>11}  {trips:>5.1f}")


if __name__ == "__main__":
    asyncio.run(main())
