"""Rehearsal: a recorded event plays into a new one with the same order and relative timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from app.db import Database
from app.ingest.sources.base import EventInfo, SourceContext
from app.ingest.sources.rehearsal import RehearsalConfig, RehearsalSource
from app.mentions import service as mentions
from app.mentions.models import Mention
from tests.ingest.clock import FakeClock, TimedSink
from tests.ingest.helpers import eventually, make_event, make_mention

RECORDED = datetime(2025, 7, 13, 19, 0, tzinfo=UTC)
STARTED = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


async def record(db: Database, arrivals: list[tuple[int, float]]) -> int:
    """A past event whose mention ``n`` arrived ``seconds`` after the first, in list order."""
    event_id = await make_event(db, name="Last year's final")
    for n, seconds in arrivals:
        async with db.transaction() as session:
            await mentions.ingest(session, event_id, [make_mention(n)])
            await session.execute(
                update(Mention)
                .where(Mention.external_id == make_mention(n).external_id)  # type: ignore[arg-type]
                .values(received_at=RECORDED + timedelta(seconds=seconds))
            )
    return event_id


def rehearsal(db: Database, from_event_id: int, speed: float) -> tuple[RehearsalSource, TimedSink]:
    clock = FakeClock()
    sink = TimedSink(clock)
    context = SourceContext(9, EventInfo(from_event_id + 1, "Rehearsal"), STARTED, sink, db=db)
    source = RehearsalSource(
        context,
        RehearsalConfig(from_event_id=from_event_id, speed=speed),
        clock=clock,
        wall=lambda: STARTED,
    )
    return source, sink


async def test_a_recorded_event_replays_in_arrival_order_at_its_pace(db: Database) -> None:
    # Arrival order is not id order here: the 3rd mention arrived before the 2nd.
    past = await record(db, [(1, 0.0), (3, 20.0), (2, 50.0), (4, 50.0), (5, 290.0)])
    source, sink = rehearsal(db, past, speed=10)
    await source.run()
    order = [int(m.external_id) - 1_900_000_000_000_000_000 for m in sink.items]
    assert order == [1, 3, 2, 4, 5]
    assert [(at, len(batch)) for at, batch in sink.batches] == [
        (0.0, 1),
        (2.0, 1),
        (5.0, 2),
        (29.0, 1),
    ]
    # Network, ids and authors are kept; times read live.
    first = sink.items[0]
    assert first.network.value == "x"
    assert first.author.handle == "fan1"


async def test_a_long_event_is_read_page_by_page(db: Database) -> None:
    past = await make_event(db, name="Busy")
    async with db.transaction() as session:
        await mentions.ingest(session, past, [make_mention(n) for n in range(2500)])
    source, sink = rehearsal(db, past, speed=60)
    await source.run()
    assert len(sink.items) == 2500
    async with db.read_session() as session:
        stored = (
            await session.execute(
                select(Mention.external_id).where(Mention.event_id == past).order_by(Mention.seq)  # type: ignore[arg-type]
            )
        ).scalars()
        assert [m.external_id for m in sink.items] == list(stored)


async def test_a_rehearsal_over_the_api_fills_the_new_event_in_the_same_order(
    app: Any, producer: httpx.AsyncClient, db: Database
) -> None:
    past = await record(db, [(1, 0.0), (2, 0.6), (3, 1.2)])
    created = await producer.post("/api/events", json={"name": "Training night"})
    event_id = created.json()["id"]
    response = await producer.post(
        f"/api/events/{event_id}/sources",
        json={"kind": "rehearsal", "config": {"from_event_id": past, "speed": 60}},
    )
    assert response.status_code == 201, response.text

    async def ended() -> bool:
        rows = (await producer.get(f"/api/events/{event_id}/sources")).json()
        return rows[0]["status"] == "stopped"

    await eventually(ended, what="the rehearsal to end")
    await app.state.sources.flush()
    page = (await producer.get(f"/api/events/{event_id}/mentions", params={"limit": 10})).json()
    in_order = sorted(page["items"], key=lambda item: item["seq"])
    assert [item["author"]["handle"] for item in in_order] == ["fan1", "fan2", "fan3"]
