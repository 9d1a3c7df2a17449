"""The live numbers as of one journal position, for a console that opens mid-show: the
console then applies every entry after ``as_of_seq`` itself (frontend/src/numbers/core.ts).

A handful of indexed aggregates, read in one snapshot; computed once per console opening,
never per update (docs/numbers.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.common.errors import NotFound
from app.common.time import isoformat_z
from app.mentions.models import MentionState
from app.reports import queries
from app.reports.queries import mention_table

# The oldest waiting mentions the console tracks from the snapshot (it tracks the newer
# ones itself as they arrive).
OLDEST_WAITING = 500
# A day of minutes: the chart's memory in the console.
VOLUME_MINUTES = 24 * 60
OPEN = (MentionState.new.value, MentionState.claimed.value)


async def snapshot(engine: AsyncEngine, event_id: int) -> dict[str, Any]:
    async with queries.snapshot(engine) as connection:
        event = await queries.event_row(connection, event_id)
        if event is None:
            raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
        as_of = int(event.last_seq)
        volume = await queries.volume(connection, event_id, as_of)
        # A flood's copies wait with their head: the head alone counts (docs/floods.md).
        heads = mention_table.c.cluster_id.is_(None)
        open_mentions = (
            mention_table.c.event_id == event_id,
            mention_table.c.state.in_(OPEN),
            heads,
        )
        waiting = (
            await connection.execute(select(func.count()).where(*open_mentions))
        ).scalar_one()
        claimed = (
            await connection.execute(
                select(mention_table.c.id).where(
                    mention_table.c.event_id == event_id,
                    mention_table.c.state == MentionState.claimed.value,
                    heads,
                )
            )
        ).scalars()
        oldest = (
            await connection.execute(
                select(mention_table.c.id, mention_table.c.received_at)
                .where(*open_mentions)
                .order_by(mention_table.c.seq)
                .limit(OLDEST_WAITING + 1)
            )
        ).all()
        answers = await queries.first_answers(connection, event_id)
    by_operator: dict[str, list[float]] = defaultdict(list)
    for answer in answers:
        by_operator[answer.operator].append(round(answer.seconds, 3))
    return {
        "as_of_seq": as_of,
        "on_air_at": event.on_air_at,
        "off_air_at": event.off_air_at,
        "volume": [
            {"minute": queries.minute_start(minute), "mentions": count}
            for minute, count, _first, _last in volume[-VOLUME_MINUTES:]
        ],
        "backlog": {
            "waiting": int(waiting),
            "claimed_ids": [int(mention_id) for mention_id in claimed],
            "oldest": [
                (int(row.id), isoformat_z(row.received_at)) for row in oldest[:OLDEST_WAITING]
            ],
            "more": len(oldest) > OLDEST_WAITING,
        },
        "answers": [
            {"operator": operator, "seconds": seconds}
            for operator, seconds in sorted(by_operator.items())
        ],
    }
