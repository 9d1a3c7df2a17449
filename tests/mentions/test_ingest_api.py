from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.db import Database
from app.mentions import service as mentions
from app.mentions.schemas import MentionIn
from tests.factories import mention_payload


async def stored_count(client: httpx.AsyncClient, event_id: int) -> int:
    page = (await client.get(f"/api/events/{event_id}/mentions", params={"limit": 1000})).json()
    return len(page["items"])


async def test_ingest_answers_accepted_and_stores_full_mentions(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    payload = mention_payload(
        "1790000000000000001",
        author={
            "handle": "ana",
            "name": "Ana Ruiz",
            "followers": 120000,
            "verified": True,
            "avatar_url": "https://pbs.example.com/ana.jpg",
        },
        lang="es",
        url="https://x.com/ana/status/1790000000000000001",
        reply_to_id="1789",
    )
    response = await producer.post(f"/api/events/{event_id}/mentions", json=[payload])
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 1, "duplicates": 0}
    (mention,) = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert mention["author"] == payload["author"]
    assert mention["external_id"] == "1790000000000000001"
    assert mention["lang"] == "es"
    assert mention["reply_to_id"] == "1789"
    assert mention["state"] == "new"
    assert mention["created_at"] == "2026-02-08T20:00:00.000Z"
    assert mention["received_at"].endswith("Z")


async def test_ingesting_again_is_idempotent(producer: httpx.AsyncClient, event_id: int) -> None:
    batch = [mention_payload(i) for i in range(5)]
    first = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    again = await producer.post(
        f"/api/events/{event_id}/mentions", json=[*batch, mention_payload(5)]
    )
    assert first.json() == {"accepted": 5, "duplicates": 0}
    assert again.json() == {"accepted": 1, "duplicates": 5}
    assert await stored_count(producer, event_id) == 6


async def test_repeats_inside_one_batch_count_as_duplicates(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [mention_payload(1), mention_payload(1), mention_payload(2)]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.json() == {"accepted": 2, "duplicates": 1}


async def test_same_id_on_two_networks_is_two_mentions(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [mention_payload(7), mention_payload(7, network="bluesky")]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.json() == {"accepted": 2, "duplicates": 0}


async def test_each_received_mention_is_journaled_with_its_id(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await producer.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
    entries = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    received = [e for e in entries if e["type"] == "mention.received"]
    (mention,) = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert len(received) == 1
    assert received[0]["data"] == mention
    assert received[0]["seq"] == mention["seq"]


BAD_ITEMS: list[tuple[str, dict[str, Any]]] = [
    ("unknown network", mention_payload(9, network="myspace")),
    ("empty external id", {**mention_payload(9), "external_id": "  "}),
    ("missing author", {k: v for k, v in mention_payload(9).items() if k != "author"}),
    ("author without handle", mention_payload(9, author={"name": "No Handle"})),
    ("negative followers", mention_payload(9, author={"handle": "a", "followers": -1})),
    ("text not a string", mention_payload(9, text=["a"])),
    ("bad created_at", mention_payload(9, created_at="yesterday-ish")),
    ("bad url", mention_payload(9, url="not a url")),
    ("item not an object", "just a string"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("case", "bad_item"), BAD_ITEMS, ids=[c for c, _ in BAD_ITEMS])
async def test_a_bad_item_is_named_and_nothing_is_stored(
    producer: httpx.AsyncClient, event_id: int, case: str, bad_item: Any
) -> None:
    batch = [mention_payload(1), mention_payload(2), bad_item]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.status_code == 422, case
    errors = response.json()["errors"]
    assert all(error["item"] == 2 for error in errors), errors
    assert errors[0]["message"].startswith("item 2")
    assert await stored_count(producer, event_id) == 0
    journal = (await producer.get(f"/api/events/{event_id}/journal")).json()
    assert journal["last_seq"] == 1  # only event.created


async def test_body_that_is_not_a_list_is_refused(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    for raw in ('{"network": "x"}', "[", "null", "[1, 2"):
        response = await producer.post(
            f"/api/events/{event_id}/mentions",
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422, raw
        assert response.json()["detail"], raw


async def test_ingest_into_unknown_event_is_404(producer: httpx.AsyncClient) -> None:
    response = await producer.post("/api/events/999/mentions", json=[mention_payload(1)])
    assert response.status_code == 404


async def test_too_many_items_in_one_request_is_refused(
    producer: httpx.AsyncClient, event_id: int, app: Any
) -> None:
    app.state.settings.max_mentions_per_request = 3
    response = await producer.post(
        f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in range(4)]
    )
    assert response.status_code == 422
    assert "At most 3" in response.json()["detail"]
    assert await stored_count(producer, event_id) == 0


async def test_concurrent_ingests_of_the_same_ids_store_each_once(
    producer: httpx.AsyncClient, event_id: int, database_url: str
) -> None:
    """Eight writers, each with its own engine as separate server processes would have,
    race to store the same 50 mentions: each is stored once and counted once."""
    items = [MentionIn.model_validate(mention_payload(i)) for i in range(50)]
    databases = [Database(database_url) for _ in range(8)]

    async def ingest(db: Database) -> tuple[int, int]:
        async with db.transaction() as session:
            outcome = await mentions.ingest(session, event_id, items)
        return outcome.accepted, outcome.duplicates

    try:
        results = await asyncio.gather(*(ingest(db) for db in databases))
    finally:
        for db in databases:
            await db.dispose()
    assert sum(accepted for accepted, _ in results) == 50
    assert sum(duplicates for _, duplicates in results) == 50 * 7
    assert await stored_count(producer, event_id) == 50


async def test_concurrent_http_ingests_of_overlapping_batches(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batches = [[mention_payload(i) for i in range(start, start + 30)] for start in range(0, 60, 10)]
    responses = await asyncio.gather(
        *(producer.post(f"/api/events/{event_id}/mentions", json=b) for b in batches)
    )
    assert all(r.status_code == 200 for r in responses)
    assert sum(r.json()["accepted"] for r in responses) == 80
    assert await stored_count(producer, event_id) == 80


async def test_partly_known_batch_keeps_seq_gap_free_and_in_order(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    url = f"/api/events/{event_id}/mentions"
    await producer.post(url, json=[mention_payload(i) for i in (2, 4)])
    response = await producer.post(url, json=[mention_payload(i) for i in range(1, 7)])
    assert response.json() == {"accepted": 4, "duplicates": 2}
    listed = (await producer.get(url, params={"order": "asc"})).json()["items"]
    assert [m["external_id"] for m in listed] == ["2", "4", "1", "3", "5", "6"]
    assert [m["seq"] for m in listed] == [2, 3, 4, 5, 6, 7]
    journal = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    received = {e["seq"]: e["data"]["external_id"] for e in journal[1:]}
    assert received == {m["seq"]: m["external_id"] for m in listed}
