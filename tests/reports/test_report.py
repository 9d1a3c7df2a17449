"""The after-show report's numbers: response times equal those worked out by hand on a
small fixture, and a viewer may read it (the page: tests/console/test_report_page.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import insert, update

from app.cues.models import Cue
from app.db import Database
from app.events.models import Event
from app.mentions.models import Mention
from app.posts.models import Post
from app.replies.models import Reply
from tests.replies.conftest import claim
from tests.reports.helpers import SHOW_START, bulk_mentions
from tests.triage.helpers import ingest

mention_table = Mention.__table__  # type: ignore[attr-defined]
reply_table = Reply.__table__  # type: ignore[attr-defined]
event_table = Event.__table__  # type: ignore[attr-defined]

# mention (by external id) → (who answers, seconds after it arrived)
ANSWERS = {1: ("olive", 30), 2: ("oscar", 60), 3: ("olive", 90), 4: ("olive", 150)}


async def answered_fixture(
    db: Database,
    producer: httpx.AsyncClient,
    operators: dict[str, httpx.AsyncClient],
    event_id: int,
) -> list[int]:
    ids = await ingest(producer, event_id, [1, 2, 3, 4, 5])
    for external, (who, _wait) in ANSWERS.items():
        mention_id = ids[external - 1]
        fence = await claim(operators[who], mention_id)
        response = await operators[who].post(
            f"/api/mentions/{mention_id}/reply", json={"text": f"Thanks {external}", "fence": fence}
        )
        assert response.status_code == 201, response.text
    # The clock of the fixture: mention n arrives n minutes after 20:00, answered as above.
    async with db.transaction() as session:
        for n, mention_id in enumerate(ids, start=1):
            arrived = SHOW_START + timedelta(minutes=n)
            await session.execute(
                update(mention_table)
                .where(mention_table.c.id == mention_id)
                .values(received_at=arrived)
            )
            if n in ANSWERS:
                await session.execute(
                    update(reply_table)
                    .where(reply_table.c.mention_id == mention_id)
                    .values(created_at=arrived + timedelta(seconds=ANSWERS[n][1]))
                )
    return ids


async def test_response_times_equal_those_worked_out_by_hand(
    db: Database,
    producer: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    event_id: int,
) -> None:
    await answered_fixture(db, producer, {"olive": olive, "oscar": oscar}, event_id)
    response = await producer.get(f"/api/events/{event_id}/report")
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    # All: 30, 60, 90, 150 s. Nearest rank: the median is the 2nd (60 s), p90 the 4th (150 s).
    assert report["response_times"]["overall"] == {
        "replies": 4,
        "median_seconds": 60.0,
        "p90_seconds": 150.0,
    }
    # Olive: 30, 90, 150 → median the 2nd (90 s), p90 the 3rd (150 s); Oscar: 60 s.
    assert report["response_times"]["operators"] == [
        {"operator": "olive", "replies": 3, "median_seconds": 90.0, "p90_seconds": 150.0},
        {"operator": "oscar", "replies": 1, "median_seconds": 60.0, "p90_seconds": 60.0},
    ]
    assert [(a["operator"], a["seconds"]) for a in report["answers"]] == [
        ("olive", 30.0),
        ("oscar", 60.0),
        ("olive", 90.0),
        ("olive", 150.0),
    ]
    assert report["total_mentions"] == 5
    assert [m["mentions"] for m in report["volume"]] == [1, 1, 1, 1, 1]
    assert len(report["peaks"]) == 1  # five quiet minutes are one moment
    assert report["posts"] == [] and report["cue_sections"] == []
    assert len(report["top_authors"]) == 5


async def test_a_viewer_may_read_the_report(client_as: Any, event_id: int) -> None:
    viewer = await client_as("viewer")
    response = await viewer.get(f"/api/events/{event_id}/report")
    assert response.status_code == 200
    assert response.json()["total_mentions"] == 0


async def test_the_report_of_an_event_that_does_not_exist_is_a_404(
    producer: httpx.AsyncClient,
) -> None:
    assert (await producer.get("/api/events/31337/report")).status_code == 404


async def test_each_fired_cue_has_its_section_with_its_posts_and_the_peak_names_it(
    db: Database, producer: httpx.AsyncClient, event_id: int
) -> None:

    # 20:00:00 to 20:09:59 at one a second; then the goal's minute holds 300 more.
    await bulk_mentions(db, event_id, 600, per_second=1)
    kickoff_at = SHOW_START + timedelta(minutes=1)
    goal_at = SHOW_START + timedelta(minutes=6, seconds=30)
    async with db.transaction() as session:
        kickoff = Cue(event_id=event_id, title="Kickoff", position=1, fired_at=kickoff_at)
        goal = Cue(event_id=event_id, title="Goal!", position=2, fired_at=goal_at, fire_count=1)
        never = Cue(event_id=event_id, title="Penalties", position=3)
        session.add_all([kickoff, goal, never])
        await session.flush()
        session.add(
            Post(
                event_id=event_id,
                cue_id=goal.id,
                cue_firing=1,
                network="x",
                text="GOAL ⚽",
                idempotency_key="report-test-1",
                status="published",
                created_at=goal_at,
                published_at=goal_at + timedelta(seconds=2),
            )
        )

    burst = [
        {
            "event_id": event_id,
            "seq": 1000 + n,
            "network": "x",
            "external_id": f"burst{n}",
            "author_handle": "loud",
            "author_followers": 5 if n else 1_000_000,
            "text": "GOAAAL",
            "created_at": goal_at,
            "received_at": goal_at + timedelta(milliseconds=n),
            "state": "new",
        }
        for n in range(300)
    ]
    async with db.transaction() as session:
        await session.execute(insert(mention_table), burst)
        # Written past the journal (as the mentions above): the counter follows by hand.
        await session.execute(
            update(event_table).where(event_table.c.id == event_id).values(last_seq=1299)
        )

    report = (await producer.get(f"/api/events/{event_id}/report")).json()
    assert len(report["volume"]) == 11  # one row a minute, 20:00 to 20:10
    top_peak = max(report["peaks"], key=lambda peak: peak["mentions"])
    assert top_peak["mentions"] == 360 and top_peak["cue"]["title"] == "Goal!"
    assert top_peak["top_mentions"][0]["author_followers"] == 1_000_000
    sections = report["cue_sections"]
    assert [s["cue"]["title"] for s in sections] == ["Kickoff", "Goal!"]
    # Kickoff: 20:01:00 to 20:06:30 at one a second.
    assert sections[0]["mentions"] == 330 and sections[0]["posts"] == []
    # Goal: from 20:06:30 to the end of the last mention's minute: 20:06:30 to 20:10:00 at
    # one a second, and the burst.
    assert sections[1]["mentions"] == 211 + 300
    assert [p["text"] for p in sections[1]["posts"]] == ["GOAL ⚽"]
    assert [p["text"] for p in report["posts"]] == ["GOAL ⚽"]
    assert report["top_authors"][0] == {"network": "x", "author_handle": "loud", "mentions": 300}
