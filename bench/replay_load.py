"""Replay benchmark: the first load and a scrub of a four-hour, 1,000,000-mention evening.

It seeds a fresh database (SQLite unless ``--postgres``) straight through SQL with an
evening as the journal would hold it (mentions at ~70 a second with a spike, claims,
replies, a cue fired and a post published every quarter of an hour), starts the server
(``uvicorn app.main:create_app``) and times, as the replay page calls them:

* the first load, cold: ``GET …/replay`` (which builds the replay index) and the seek of
  the instant in the URL; then warm, as anyone opening it afterwards;
* a scrub: ``GET …/replay/seek?seq=N`` at random instants (p50, p95, max, bytes);
* playing on: ``GET …/replay/entries`` pages of 2,000 entries.

Goals (issue 12): first load under 2 s, a scrub under 200 ms.

    python bench/replay_load.py                 # 1,000,000 mentions on SQLite
    python bench/replay_load.py --mentions 200000 --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import Connection, insert, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import normalise_database_url
from app.db import Database
from app.events.models import Event
from app.journal.models import JournalEntry
from app.mentions.models import Mention
from bench.common import fresh_database, prepare, server

ON_AIR = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)
EVENING = timedelta(hours=4)
ROWS_PER_STATEMENT = 5_000
event_table = Event.__table__  # type: ignore[attr-defined]
mention_table = Mention.__table__  # type: ignore[attr-defined]
journal_table = JournalEntry.__table__  # type: ignore[attr-defined]
HOLDER = {"username": "olive", "display_name": "Olive"}


def arrival_times(count: int) -> list[datetime]:
    """``count`` arrivals over the evening, with a 5-minute spike at ten times the rate."""
    spike_start, spike_end = 95 * 60, 100 * 60
    seconds = EVENING.total_seconds()
    weights = [10.0 if spike_start <= s < spike_end else 1.0 for s in range(int(seconds))]
    total = sum(weights)
    times: list[datetime] = []
    for second, weight in enumerate(weights):
        share = round(count * weight / total)
        times += [ON_AIR + timedelta(seconds=second + i / max(share, 1)) for i in range(share)]
    return times[:count]


def mention_data(mention_id: int, seq: int, at: datetime, event_id: int) -> dict[str, Any]:
    at_z = at.isoformat().replace("+00:00", "Z")
    return {
        "id": mention_id,
        "event_id": event_id,
        "seq": seq,
        "network": "x",
        "external_id": str(mention_id),
        "author": {"handle": f"fan{mention_id % 5000}", "name": "A Fan", "followers": 120,
                   "verified": False, "avatar_url": None},
        "text": f"What a match! #CupFinal {mention_id}",
        "created_at": at_z, "received_at": at_z, "lang": "en", "url": None,
        "reply_to_id": None, "repost_of_id": None, "quote_of_id": None,
        "state": "new", "priority": 0, "tags": [], "flagged": False, "claim": None,
    }  # fmt: skip


def evening_rows(event_id: int, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The mention rows and the journal rows of the evening, in seq order."""
    mentions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    seq = 1
    entries.append(journal_row(event_id, seq, "event.created", ON_AIR, {"event_id": event_id}))
    fence = 0
    for index, at in enumerate(arrival_times(count), start=1):
        seq += 1
        data = mention_data(index, seq, at, event_id)
        mentions.append(mention_row(event_id, index, seq, at))
        entries.append(journal_row(event_id, seq, "mention.received", at, data))
        if index % 100 == 0:  # the team answers one in a hundred
            fence += 1
            claim = {"mention_id": index, "holder": HOLDER, "fence": fence,
                     "lease_until": at.isoformat()}  # fmt: skip
            seq += 1
            entries.append(journal_row(event_id, seq, "mention.claimed", at, claim))
            # Every claim ends, released or answered (and the answer sent), as on a real desk.
            if index % 300 == 0:
                seq += 1
                entries.append(journal_row(event_id, seq, "mention.released", at, claim))
            else:
                reply = {"id": index, "mention_id": index, "event_id": event_id,
                         "network": "x", "text": "Thanks!", "status": "queued"}  # fmt: skip
                seq += 1
                entries.append(journal_row(event_id, seq, "mention.replied", at, {"reply": reply}))
                # The dry-run outbox publishes it at once.
                seq += 1
                published = {"reply": {**reply, "status": "published"}}
                entries.append(journal_row(event_id, seq, "reply.published", at, published))
        if index % 15_000 == 0:  # a cue and its post, about every quarter of an hour
            post = {"id": index, "network": "x", "text": "Kick-off!", "status": "published"}
            seq += 1
            entries.append(journal_row(event_id, seq, "cue.fired", at, {"cue_id": index}))
            seq += 1
            entries.append(journal_row(event_id, seq, "post.published", at, {"post": post}))
    return mentions, entries


def mention_row(event_id: int, mention_id: int, seq: int, at: datetime) -> dict[str, Any]:
    return {
        "id": mention_id, "event_id": event_id, "seq": seq, "network": "x",
        "external_id": str(mention_id), "author_handle": f"fan{mention_id % 5000}",
        "author_name": "A Fan", "author_followers": 120, "author_verified": False,
        "text": f"What a match! #CupFinal {mention_id}", "created_at": at, "received_at": at,
        "state": "new",
    }  # fmt: skip


def journal_row(event_id: int, seq: int, kind: str, at: datetime, data: Any) -> dict[str, Any]:
    return {"event_id": event_id, "seq": seq, "type": kind, "at": at, "actor": None,
            "data": orjson.dumps(data).decode()}  # fmt: skip


def insert_all(connection: Connection, rows: list[dict[str, Any]], table: Any) -> None:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        connection.execute(insert(table), rows[start : start + ROWS_PER_STATEMENT])


async def seed(url: str, count: int, analyze: bool) -> tuple[int, int]:
    """An ended evening of ``count`` mentions; answers its event id and last seq.

    On PostgreSQL, ``analyze`` then gathers the planner's statistics, as autovacuum does
    several times over a real four-hour evening (each time a tenth of a table has
    changed): seeded in a minute, the tables have none yet, and the planner, taking the
    event for a few dozen rows, reads half a million of them to find the newest 300."""
    database = Database(normalise_database_url(url))
    try:
        async with database.transaction() as session:
            event = Event(name="Cup Final (bench)", hashtags=["CupFinal"], on_air_at=ON_AIR)
            session.add(event)
            await session.flush()
            assert event.id is not None
            event_id = event.id
        mentions, entries = evening_rows(event_id, count)
        for rows, table in ((mentions, mention_table), (entries, journal_table)):
            async with database.transaction() as session:
                connection = await session.connection()
                await connection.run_sync(insert_all, rows, table)
        async with database.transaction() as session:
            await session.execute(
                update(event_table)
                .where(event_table.c.id == event_id)
                .values(last_seq=len(entries))
            )
        if analyze and database.engine.dialect.name == "postgresql":
            async with database.engine.connect() as connection:
                await connection.exec_driver_sql("ANALYZE mention, journal_entry")
        return event_id, len(entries)
    finally:
        await database.dispose()


async def timed(client: httpx.AsyncClient, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = await client.get(path)
    response.raise_for_status()
    return time.perf_counter() - start, len(response.content)


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )


async def measure(base: str, token: str, event_id: int, last_seq: int, scrubs: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
        replay = f"/api/events/{event_id}/replay"
        for label in ("cold (builds the index)", "warm"):
            overview, size = await timed(client, replay)
            seek, seek_size = await timed(client, f"{replay}/seek?seq={last_seq // 2}")
            print(
                f"  first load, {label}: {(overview + seek) * 1000:.0f} ms "
                f"(overview {overview * 1000:.0f} ms, {size / 1024:.0f} KiB; "
                f"seek {seek * 1000:.0f} ms, {seek_size / 1024:.0f} KiB)"
            )
        rng = random.Random(12)
        samples, sizes = [], []
        for _ in range(scrubs):
            elapsed, size = await timed(client, f"{replay}/seek?seq={rng.randint(0, last_seq)}")
            samples.append(elapsed)
            sizes.append(size)
        size = statistics.median(sizes) / 1024
        print(f"  scrub ({scrubs} seeks): {figures(samples)}, {size:.0f} KiB")
        pages = []
        for _ in range(20):
            elapsed, _size = await timed(
                client, f"{replay}/entries?after_seq={rng.randint(0, last_seq)}&limit=2000"
            )
            pages.append(elapsed)
        print(f"  play on (pages of 2,000 entries): {figures(pages)}")


async def run(args: argparse.Namespace) -> None:
    backend = "postgresql" if args.postgres else "sqlite"
    async with fresh_database(backend, args.postgres) as (url, data_dir):
        token = await prepare(url)
        start = time.perf_counter()
        event_id, last_seq = await seed(url, args.mentions, args.analyze)
        seeded = time.perf_counter() - start
        analyzed = (
            "" if backend == "sqlite" else (", analyzed" if args.analyze else ", not analyzed")
        )
        print(
            f"replay on {backend}: {args.mentions:,} mentions, {last_seq:,} journal entries "
            f"over 4 h (seeded in {seeded:.0f} s{analyzed})"
        )
        async with server(url, data_dir) as (base, _process):
            await measure(base, token, event_id, last_seq, args.scrubs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--scrubs", type=int, default=50)
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL (admin URL)")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="PostgreSQL: leave the seeded tables without planner statistics",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
