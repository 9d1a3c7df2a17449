from __future__ import annotations

from typing import Any

import httpx

from app.replies.saved import fill
from tests.factories import mention_payload
from tests.triage.helpers import ingest, journal


async def save(client: httpx.AsyncClient, event_id: int, title: str, text: str) -> Any:
    response = await client.post(
        f"/api/events/{event_id}/saved-replies", json={"title": title, "text": text}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_saved_replies_are_listed_per_event_and_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    saved = await save(olive, event_id, "Thanks", "Thanks {handle}, enjoy the match!")
    assert saved["created_by"] == {"username": "olive", "display_name": "Olive"}
    other_event = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    await save(producer, other_event, "Elsewhere", "Not here")
    listed = (await olive.get(f"/api/events/{event_id}/saved-replies")).json()["saved_replies"]
    assert listed == [saved]
    (entry,) = [e for e in await journal(producer, event_id) if e["type"] == "saved_reply.created"]
    assert entry["data"]["saved_reply"] == saved


async def test_a_saved_reply_is_filled_in_with_the_mention_authors_handle_and_name(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    await save(olive, event_id, "Thanks", "Thanks {handle}! Glad you liked it, {name}.")
    (mention_id,) = await ingest(
        producer,
        event_id,
        [mention_payload(7, author={"handle": "ana_b", "name": "Ana", "followers": 3})],
    )
    (item,) = (await olive.get(f"/api/mentions/{mention_id}/saved-replies")).json()["saved_replies"]
    assert item["text"] == "Thanks @ana_b! Glad you liked it, Ana."
    assert item["template"] == "Thanks {handle}! Glad you liked it, {name}."


def test_filling_keeps_other_braces_and_falls_back_to_the_handle() -> None:
    assert fill("Hi {name} {:)} {other}", "ana", "  ") == "Hi @ana {:)} {other}"
    assert fill("{handle}", "@ana", "Ana") == "@ana"


async def test_a_saved_reply_can_be_deleted(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    saved = await save(olive, event_id, "Thanks", "Thanks!")
    response = await olive.delete(f"/api/saved-replies/{saved['id']}")
    assert response.status_code == 204
    assert (await olive.get(f"/api/events/{event_id}/saved-replies")).json()["saved_replies"] == []
    assert (await olive.delete(f"/api/saved-replies/{saved['id']}")).status_code == 404
    kinds = [e["type"] for e in await journal(producer, event_id)]
    assert "saved_reply.deleted" in kinds


async def test_only_its_author_or_a_producer_deletes_a_saved_reply(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    client_as: Any,
    event_id: int,
) -> None:
    mine = await save(olive, event_id, "Thanks", "Thanks!")
    refused = await oscar.delete(f"/api/saved-replies/{mine['id']}")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Only its author (Olive) or a producer can delete this saved reply; your role is operator."
    )
    assert [
        s["id"]
        for s in (await oscar.get(f"/api/events/{event_id}/saved-replies")).json()["saved_replies"]
    ] == [mine["id"]]
    assert (await producer.delete(f"/api/saved-replies/{mine['id']}")).status_code == 204
    admin = await client_as("admin")
    again = await save(olive, event_id, "Welcome", "Welcome!")
    assert (await admin.delete(f"/api/saved-replies/{again['id']}")).status_code == 204


async def test_bad_saved_replies_get_clear_errors(
    olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    for body in ({"title": "", "text": "x"}, {"title": "t", "text": " "}, {"title": "t"}, {}):
        response = await olive.post(f"/api/events/{event_id}/saved-replies", json=body)
        assert response.status_code == 422, body
    assert (await olive.get("/api/events/9999/saved-replies")).status_code == 404
    assert (await olive.get("/api/mentions/9999/saved-replies")).status_code == 404
    viewer = await client_as("viewer", "vera")
    refused = await viewer.post(
        f"/api/events/{event_id}/saved-replies", json={"title": "t", "text": "x"}
    )
    assert refused.status_code == 403
