"""GET /api/events/{id}/numbers: the live numbers as of a journal position, for a console
that opens mid-show and applies the entries after it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.factories import mention_payload
from tests.replies.conftest import claim
from tests.triage.helpers import ingest, journal, unrelated


async def test_a_flood_waits_as_one_mention_its_head(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> None:
    chant = [mention_payload(100 + n, text="Ole ole ole! #CupFinal") for n in range(40)]
    head, *_copies = await ingest(producer, event_id, chant)
    (alone,) = await ingest(producer, event_id, unrelated(1))
    backlog = (await producer.get(f"/api/events/{event_id}/numbers")).json()["backlog"]
    assert backlog["waiting"] == 2
    assert [mention_id for mention_id, _at in backlog["oldest"]] == [head, alone]

    fence = await claim(olive, head)
    await olive.post(f"/api/mentions/{head}/reply", json={"text": "Ole!", "fence": fence})
    backlog = (await producer.get(f"/api/events/{event_id}/numbers")).json()["backlog"]
    assert backlog["waiting"] == 1
    assert [mention_id for mention_id, _at in backlog["oldest"]] == [alone]


async def test_the_snapshot_counts_the_backlog_and_each_operators_answers(
    producer: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    event_id: int,
) -> None:
    first, second, third = await ingest(producer, event_id, unrelated(3))
    fence = await claim(olive, first)
    answered = await olive.post(
        f"/api/mentions/{first}/reply", json={"text": "Thanks!", "fence": fence}
    )
    assert answered.status_code == 201
    await claim(oscar, second)

    response = await producer.get(f"/api/events/{event_id}/numbers")
    assert response.status_code == 200, response.text
    numbers: dict[str, Any] = response.json()
    entries = await journal(producer, event_id)
    assert numbers["as_of_seq"] <= entries[-1]["seq"]
    assert numbers["backlog"]["waiting"] == 2
    assert numbers["backlog"]["claimed_ids"] == [second]
    assert [mention_id for mention_id, _at in numbers["backlog"]["oldest"]] == [second, third]
    assert numbers["backlog"]["more"] is False
    assert sum(minute["mentions"] for minute in numbers["volume"]) == 3
    assert numbers["volume"][0]["minute"].endswith(":00.000Z")
    ((operator,),) = [[a["operator"]] for a in numbers["answers"]]
    assert operator == "olive"

    # The reply's entry says when its mention arrived: the console times the answer from it.
    replied = next(entry for entry in entries if entry["type"] == "mention.replied")
    received = next(
        entry
        for entry in entries
        if entry["type"] == "mention.received" and entry["data"]["id"] == first
    )
    assert replied["data"]["received_at"] == received["data"]["received_at"]
    wait = datetime.fromisoformat(replied["data"]["reply"]["created_at"]) - datetime.fromisoformat(
        replied["data"]["received_at"]
    )
    # The journal writes times to the millisecond, the table to the microsecond.
    (seconds,) = numbers["answers"][0]["seconds"]
    assert abs(seconds - wait.total_seconds()) <= 0.002


async def test_a_viewer_may_read_the_numbers(client_as: Any, event_id: int) -> None:
    viewer = await client_as("viewer")
    response = await viewer.get(f"/api/events/{event_id}/numbers")
    assert response.status_code == 200
    assert response.json()["backlog"]["waiting"] == 0


async def test_the_numbers_of_an_event_that_does_not_exist_are_a_404(
    producer: httpx.AsyncClient,
) -> None:
    response = await producer.get("/api/events/424242/numbers")
    assert response.status_code == 404
    assert "424242" in response.json()["detail"]
