"""The after-show report's numbers: response times equal those worked out by hand on a
small fixture, and a viewer may read it (the page: tests/console/test_report_page.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from app.db import Database
from app.mentions.models import Mention
from app.replies.models import Reply
from tests.replies.conftest import claim
from tests.reports.helpers import SHOW_START
from tests.triage.helpers import ingest

mention_table = Mention.__table__  # type: ignore[attr-defined]
reply_table = Reply.__table__  # type: ignore[attr-defined]

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
