"""Replay and export benchmark, for a 1,000,000-mention event on SQLite and PostgreSQL.

Export section (``run_export``): the event's mentions are written straight into the
database (as ingest leaves them, with every script in their text), then
``GET /api/events/{id}/export`` is downloaded from a real server (``uvicorn`` in its own
process) in each format. Printed: rows, bytes, time, MB/s, and the server's resident memory
(VmRSS) before and at its peak during the download: a streamed export keeps the peak
flat whatever the size.

The replay's own section goes in its functions beside these (the replay helper adds it).

    python bench/replay.py                       # SQLite, 1,000,000 mentions
    python bench/replay.py --mentions 200000 --postgres postgresql://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from app.config import normalise_database_url
from app.db import Database
from app.mentions.models import Mention
from bench.common import fresh_database, new_event, prepare, rss_mb, server

mention_table = Mention.__table__  # type: ignore[attr-defined]
SHOW_START = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)
BATCH = 20_000


async def seed_mentions(url: str, event_id: int, count: int, per_second: int = 70) -> float:
    """``count`` mentions of one event, ``per_second`` a second from 20:00 (a four-hour
    show at 70/s is a million); answers the seconds it took."""
    started = time.perf_counter()
    db = Database(normalise_database_url(url))
    try:
        for start in range(1, count + 1, BATCH):
            rows = []
            for seq in range(start, min(start + BATCH, count + 1)):
                at = SHOW_START + timedelta(seconds=seq / per_second)
                rows.append(
                    {
                        "event_id": event_id,
                        "seq": seq,
                        "network": "x",
                        "external_id": str(seq),
                        "author_handle": f"fan{seq % 50_000}",
                        "author_name": "Fan ⚽ مشجع 球迷",
                        "author_followers": seq % 9_973,
                        "author_verified": seq % 97 == 0,
                        "text": f"Goal! ⚽🔥 هدف رائع 进球了 «{seq}»\nwhat a night, #CupFinal",
                        "created_at": at,
                        "received_at": at,
                        "state": "new",
                        "priority": 0,
                        "claim_fence": 0,
                    }
                )
            async with db.transaction() as session:
                await session.execute(insert(mention_table), rows)
    finally:
        await db.dispose()
    return time.perf_counter() - started


async def download(base: str, token: str, path: str, pid: int) -> tuple[int, int, float, float]:
    """(rows, bytes, seconds, peak VmRSS MB) of one streamed download."""
    peak = rss_mb(pid) or 0.0
    size = lines = 0
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    async with (
        httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as client,
        client.stream("GET", path) as response,
    ):
        response.raise_for_status()
        last_sample = 0.0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
            now = time.perf_counter()
            if now - last_sample > 0.05:
                peak = max(peak, rss_mb(pid) or 0.0)
                last_sample = now
    return lines, size, time.perf_counter() - started, peak


async def run_export(backend: str, postgres_url: str | None, mentions: int) -> None:
    async with fresh_database(backend, postgres_url) as (url, data_dir):
        token = await prepare(url)
        async with server(url, data_dir) as (base, process):
            headers = {"Authorization": f"Bearer {token}"}
            async with httpx.AsyncClient(base_url=base, headers=headers) as client:
                event_id = await new_event(client, "Export bench")
            seeded = await seed_mentions(url, event_id, mentions)
            print(f"{backend}: {mentions:,} mentions seeded in {seeded:.1f} s")
            for fmt in ("jsonl", "csv"):
                before = rss_mb(process.pid) or 0.0
                path = f"/api/events/{event_id}/export?format={fmt}&what=mentions"
                lines, size, seconds, peak = await download(base, token, path, process.pid)
                print(
                    f"  export {fmt:5}: {lines:,} lines, {size / 1e6:,.0f} MB in {seconds:.1f} s "
                    f"({size / 1e6 / seconds:.1f} MB/s, {lines / seconds:,.0f} rows/s); "
                    f"server RSS {before:.0f} MB before, peak {peak:.0f} MB "
                    f"(+{peak - before:.0f} MB)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--postgres", metavar="URL", help="also on PostgreSQL (admin URL)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one backend only")
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    if args.only:
        backends = [args.only]
    for backend in backends:
        asyncio.run(run_export(backend, args.postgres, args.mentions))


if __name__ == "__main__":
    main()
