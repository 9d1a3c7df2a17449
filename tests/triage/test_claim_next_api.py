from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.factories import mention_payload
from tests.triage.helpers import ingest


def fan(external_id: int, text: str, followers: int = 10) -> dict[str, Any]:
    return mention_payload(
        external_id, text=text, author={"handle": f"fan{external_id}", "followers": followers}
    )


async def test_claim_next_takes_the_highest_priority_then_the_oldest(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    plain, angry, angry_later, asking = await ingest(
        producer,
        event_id,
        [
            fan(1, "Kickoff soon #CupFinal"),
            fan(2, "Worst stream ever #CupFinal"),
            fan(3, "This is a scandal #CupFinal"),
            fan(4, "Why is there no sound #CupFinal"),
        ],
    )
    url = f"/api/events/{event_id}/claims/next"
    order = []
    for _ in range(4):
        response = await olive.post(url)
        assert response.status_code == 200, response.text
        order.append(response.json()["mention"]["id"])
        assert response.json()["fence"] == 1
    assert order == [angry, angry_later, asking, plain]
    empty = await olive.post(url)
    assert empty.status_code == 404
    assert "Nothing is waiting" in empty.json()["detail"]


async def test_claim_next_skips_claimed_and_finished_mentions(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    best, dismissed, waiting = await ingest(
        producer,
        event_id,
        [fan(1, "Worst ref ever", 10**6), fan(2, "Terrible", 10**5), fan(3, "Nice")],
    )
    await oscar.post(f"/api/mentions/{best}/claim")
    await producer.post(f"/api/mentions/{dismissed}/dismiss")
    response = await olive.post(f"/api/events/{event_id}/claims/next")
    assert response.json()["mention"]["id"] == waiting


async def test_concurrent_claim_next_gives_each_operator_a_different_mention(
    client_as: Any, producer: httpx.AsyncClient, event_id: int
) -> None:
    ids = await ingest(producer, event_id, list(range(1, 6)))
    operators = [await client_as("operator", f"op{n}") for n in range(7)]
    responses = await asyncio.gather(
        *(op.post(f"/api/events/{event_id}/claims/next") for op in operators)
    )
    won = [r.json()["mention"]["id"] for r in responses if r.status_code == 200]
    assert sorted(won) == sorted(ids)
    assert sorted(r.status_code for r in responses) == [200] * 5 + [404] * 2


async def test_claim_next_in_an_unknown_event_is_404(olive: httpx.AsyncClient) -> None:
    response = await olive.post("/api/events/999/claims/next")
    assert response.status_code == 404
    assert response.json()["detail"] == "Event 999 does not exist."
