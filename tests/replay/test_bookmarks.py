"""Bookmarks: a producer names an instant and everyone can open it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import mention_payload


async def test_a_producer_bookmarks_an_instant_and_everyone_reads_it(
    producer: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    await producer.post(f"/api/events/{event_id}/mentions", json=[mention_payload(1)])
    response = await producer.post(
        f"/api/events/{event_id}/bookmarks", json={"name": "The goal", "seq": 1}
    )
    assert response.status_code == 201, response.text
    bookmark = response.json()
    assert bookmark["seq"] == 1
    assert bookmark["created_by"]["username"] == "pat"
    viewer = await client_as("viewer")
    listed = (await viewer.get(f"/api/events/{event_id}/bookmarks")).json()
    assert [item["name"] for item in listed] == ["The goal"]
    overview = (await viewer.get(f"/api/events/{event_id}/replay")).json()
    assert overview["bookmarks"] == listed
    page = (await viewer.get(f"/api/events/{event_id}/journal")).json()
    added = [e["data"]["bookmark"] for e in page["entries"] if e["type"] == "bookmark.added"]
    assert added == [bookmark]


async def test_only_a_producer_adds_or_deletes_a_bookmark(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    viewer = await client_as("viewer")
    body = {"name": "Kick-off", "seq": 0}
    for client in (viewer, olive):
        refused = await client.post(f"/api/events/{event_id}/bookmarks", json=body)
        assert refused.status_code == 403
    bookmark = (await producer.post(f"/api/events/{event_id}/bookmarks", json=body)).json()
    assert (await olive.delete(f"/api/bookmarks/{bookmark['id']}")).status_code == 403
    assert (await producer.delete(f"/api/bookmarks/{bookmark['id']}")).status_code == 204
    assert (await producer.get(f"/api/events/{event_id}/bookmarks")).json() == []
    page = (await producer.get(f"/api/events/{event_id}/journal")).json()
    assert page["entries"][-1]["type"] == "bookmark.deleted"
    assert page["entries"][-1]["data"]["bookmark_id"] == bookmark["id"]
    assert (await producer.delete(f"/api/bookmarks/{bookmark['id']}")).status_code == 404


async def test_a_bookmark_must_name_an_instant_that_happened(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    future = await producer.post(
        f"/api/events/{event_id}/bookmarks", json={"name": "Later", "seq": 50}
    )
    assert future.status_code == 422
    assert "past the end" in future.json()["detail"]
    blank = await producer.post(f"/api/events/{event_id}/bookmarks", json={"name": "", "seq": 0})
    assert blank.status_code == 422
    unknown = await producer.post("/api/events/999/bookmarks", json={"name": "X", "seq": 0})
    assert unknown.status_code == 404
