from __future__ import annotations

import asyncio
from typing import Any

import httpx

from app.db import Database
from tests.factories import mention_payload
from tests.triage.helpers import ingest, set_state, unrelated


def fan(external_id: int, text: str, followers: int = 10) -> dict[str, Any]:
    return mention_payload(
        external_id, text=text, author={"handle": f"fan{external_id}", "followers": followers}
    )


def reposts(of: int, first: int, count: int, followers: int = 10**6) -> list[dict[str, Any]]:
    """``count`` reposts of the post ``of``: one flood group with it (docs/floods.md). Their
    authors' reach ranks each of them above the post itself."""
    return [
        mention_payload(
            n, text="", repost_of_id=str(of), author={"handle": f"fan{n}", "followers": followers}
        )
        for n in range(first, first + count)
    ]


async def claimed_in_order(operator: httpx.AsyncClient, event_id: int) -> list[int]:
    """Claim next until the queue is empty: the ids in the order they were offered."""
    order = []
    for _ in range(100):
        response = await operator.post(f"/api/events/{event_id}/claims/next")
        if response.status_code == 404:
            return order
        assert response.status_code == 200, response.text
        order.append(response.json()["mention"]["id"])
    raise AssertionError(f"claim next never ran dry: {order}")


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
    ids = await ingest(producer, event_id, unrelated(5))
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


async def test_claim_next_offers_a_flood_once_by_its_head_then_the_next_mention_alone(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    post, *copies = await ingest(
        producer, event_id, [fan(1000, "Penalty saved! #CupFinal", 10**4), *reposts(1000, 1, 5)]
    )
    (alone,) = await ingest(producer, event_id, [fan(2000, "Kickoff soon #CupFinal")])
    listed = await producer.get(f"/api/events/{event_id}/mentions", params={"limit": 10})
    assert {m["cluster_id"] for m in listed.json()["items"] if m["id"] in copies} == {post}

    assert await claimed_in_order(olive, event_id) == [post, alone]


async def test_claim_next_offers_no_copy_of_a_post_that_is_held_dismissed_or_answered(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    db: Database,
    event_id: int,
) -> None:
    held, *_ = await ingest(producer, event_id, [fan(1000, "Goal!", 10**4), *reposts(1000, 1, 3)])
    dismissed, *_ = await ingest(
        producer, event_id, [fan(1001, "Offside?!", 10**4), *reposts(1001, 11, 3)]
    )
    answered, *_ = await ingest(
        producer, event_id, [fan(1002, "Who sings tonight?", 10**4), *reposts(1002, 21, 3)]
    )
    (alone,) = await ingest(producer, event_id, [fan(2000, "Kickoff soon #CupFinal")])
    assert (await oscar.post(f"/api/mentions/{held}/claim")).status_code == 200
    assert (await producer.post(f"/api/mentions/{dismissed}/dismiss")).status_code == 200
    await set_state(db, answered, "replied")

    # The copies stay "new" but were answered with their post: the queue has only the one.
    assert await claimed_in_order(olive, event_id) == [alone]
