"""Arranging big events fast: mentions written straight into their table, as ingest would
leave them (the journal is not needed by what these tests read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.db import Database
from app.mentions.models import Mention

mention_table = Mention.__table__  # type: ignore[attr-defined]
SHOW_START = datetime(2026, 2, 8, 20, 0, tzinfo=UTC)


async def bulk_mentions(
    db: Database, event_id: int, count: int, *, first_seq: int = 1, per_second: int = 100
) -> None:
    """``count`` mentions numbered from ``first_seq``, ``per_second`` a second from 20:00."""
    batch = 10_000
    for start in range(first_seq, first_seq + count, batch):
        rows = []
        for seq in range(start, min(start + batch, first_seq + count)):
            at = SHOW_START + timedelta(seconds=seq / per_second)
            rows.append(
                {
                    "event_id": event_id,
                    "seq": seq,
                    "network": "x",
                    "external_id": str(seq),
                    "author_handle": f"fan{seq % 5000}",
                    "author_name": "Fan ⚽ مشجع 球迷",
                    "author_followers": seq % 977,
                    "author_verified": False,
                    "text": f"Goal! ⚽🔥 هدف رائع 进球了 ゴール «{seq}»\nsecond line, with a comma",
                    "created_at": at,
                    "received_at": at,
                    "state": "new",
                    "priority": 0,
                    "claim_fence": 0,
                }
            )
        async with db.transaction() as session:
            await session.execute(insert(mention_table), rows)
