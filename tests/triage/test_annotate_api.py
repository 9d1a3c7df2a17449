"""Tags, flags and notes: round trips, journal entries, and refusals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.triage.helpers import journal, last_seq


async def test_tags_round_trip_and_are_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    url = f"/api/mentions/{mention_id}/tags"
    first = await olive.post(url, json={"tag": "#Complaint"})
    assert first.status_code == 200, first.text
    assert first.json() == {"mention_id": mention_id, "tags": ["complaint"]}
    before = await last_seq(producer, event_id)
    assert (await olive.post(url, json={"tag": "complaint"})).json()["tags"] == ["complaint"]
    assert await last_seq(producer, event_id) == before  # already there: nothing journaled
    assert (await olive.post(url, json={"tag": "prize-draw"})).json()["tags"] == [
        "complaint",
        "prize-draw",
    ]
    mention = (await producer.get(f"/api/mentions/{mention_id}")).json()
    assert mention["tags"] == ["complaint", "prize-draw"]
    feed = await producer.get(f"/api/events/{event_id}/mentions", params={"tag": "#COMPLAINT"})
    assert [m["id"] for m in feed.json()["items"]] == [mention_id]
    removed = await olive.delete(f"{url}/Complaint")
    assert removed.json()["tags"] == ["prize-draw"]
    before = await last_seq(producer, event_id)
    assert (await olive.delete(f"{url}/complaint")).json()["tags"] == ["prize-draw"]
    assert await last_seq(producer, event_id) == before
    entries = [e for e in await journal(producer, event_id) if e["type"].endswith("tagged")]
    assert [(e["type"], e["data"]["tag"], e["data"]["tags"]) for e in entries] == [
        ("mention.tagged", "complaint", ["complaint"]),
        ("mention.tagged", "prize-draw", ["complaint", "prize-draw"]),
        ("mention.untagged", "complaint", ["prize-draw"]),
    ]
    assert all(e["actor"] == "olive" and e["data"]["mention_id"] == mention_id for e in entries)


@pytest.mark.parametrize("tag", ["two words", "", "#", "a" * 41, "semi;colon"])
async def test_a_bad_tag_is_422(olive: httpx.AsyncClient, mention_id: int, tag: str) -> None:
    response = await olive.post(f"/api/mentions/{mention_id}/tags", json={"tag": tag})
    assert response.status_code == 422, tag
    assert "a tag is 1 to 40 letters, digits" in response.json()["errors"][0]["message"]


async def test_a_bad_tag_in_a_path_or_filter_is_422(
    olive: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    response = await olive.delete(f"/api/mentions/{mention_id}/tags/semi;colon")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("tag: a tag is")
    listing = await olive.get(f"/api/events/{event_id}/mentions", params={"tag": "a b"})
    assert listing.status_code == 422


async def test_a_mention_has_at_most_twenty_tags(olive: httpx.AsyncClient, mention_id: int) -> None:
    url = f"/api/mentions/{mention_id}/tags"
    for n in range(20):
        assert (await olive.post(url, json={"tag": f"t{n}"})).status_code == 200
    response = await olive.post(url, json={"tag": "one-more"})
    assert response.status_code == 409
    assert "remove one first" in response.json()["detail"]


async def test_flag_and_unflag_for_the_producer(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    url = f"/api/mentions/{mention_id}/flag"
    flagged = await olive.post(url, json={"reason": "Legal should see this"})
    assert flagged.status_code == 200, flagged.text
    assert flagged.json()["flagged"] is True
    feed = await producer.get(f"/api/events/{event_id}/mentions", params={"flagged": "true"})
    assert [m["id"] for m in feed.json()["items"]] == [mention_id]
    unflagged_feed = await producer.get(
        f"/api/events/{event_id}/mentions", params={"flagged": "false"}
    )
    assert unflagged_feed.json()["items"] == []
    before = await last_seq(producer, event_id)
    await olive.post(url, json={"reason": "Legal should see this"})  # same: nothing new
    assert await last_seq(producer, event_id) == before
    assert (await producer.delete(url)).json()["flagged"] is False
    await producer.delete(url)  # already clear: nothing new
    entries = [e for e in await journal(producer, event_id) if "flagged" in e["type"]]
    assert [(e["type"], e["actor"], e["data"]) for e in entries] == [
        ("mention.flagged", "olive", {"mention_id": mention_id, "reason": "Legal should see this"}),
        ("mention.unflagged", "pat", {"mention_id": mention_id}),
    ]


async def test_a_flag_without_a_body_has_no_reason(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    assert (await olive.post(f"/api/mentions/{mention_id}/flag")).json()["flagged"] is True
    assert (await journal(producer, event_id))[-1]["data"]["reason"] is None


async def test_notes_are_listed_and_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    url = f"/api/mentions/{mention_id}/notes"
    created = await olive.post(url, json={"text": "  Regular complainer, be kind  "})
    assert created.status_code == 201, created.text
    note = created.json()
    assert note["text"] == "Regular complainer, be kind"
    assert note["author"] == {"username": "olive", "display_name": "Olive"}
    await producer.post(url, json={"text": "Agreed."})
    notes = (await producer.get(url)).json()["notes"]
    assert [n["text"] for n in notes] == ["Regular complainer, be kind", "Agreed."]
    assert notes[0] == note
    entries = [e for e in await journal(producer, event_id) if e["type"] == "mention.noted"]
    assert [e["data"]["note"] for e in entries] == notes
    assert entries[0]["data"]["mention_id"] == mention_id
    # A console loading the feed (after a reload, say) gets the notes with the mention.
    assert (await producer.get(f"/api/mentions/{mention_id}")).json()["notes"] == notes
    feed = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert feed[0]["notes"] == notes
    fence = (await olive.post(f"/api/mentions/{mention_id}/claim")).json()["fence"]
    mine = (await olive.get(f"/api/events/{event_id}/claims/mine")).json()["claims"]
    assert mine[0]["fence"] == fence
    assert mine[0]["mention"]["notes"] == notes


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": "   "}, "text: String should have at least 1 character"),
        ({"text": "x" * 2001}, "text: String should have at most 2000 characters"),
        ({}, "text: Field required"),
        ({"text": "ok", "private": True}, "private: Extra inputs are not permitted"),
    ],
)
async def test_a_bad_note_is_422(
    olive: httpx.AsyncClient, mention_id: int, body: Any, message: str
) -> None:
    response = await olive.post(f"/api/mentions/{mention_id}/notes", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == message


async def test_annotating_an_unknown_mention_is_404(olive: httpx.AsyncClient) -> None:
    for method, url, body in (
        ("POST", "/api/mentions/999/tags", {"tag": "x"}),
        ("DELETE", "/api/mentions/999/tags/x", None),
        ("POST", "/api/mentions/999/flag", None),
        ("DELETE", "/api/mentions/999/flag", None),
        ("POST", "/api/mentions/999/notes", {"text": "hi"}),
        ("GET", "/api/mentions/999/notes", None),
    ):
        response = await olive.request(method, url, json=body)
        assert response.status_code == 404, (method, url)
        assert response.json()["detail"] == "Mention 999 does not exist."
