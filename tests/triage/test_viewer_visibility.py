"""A viewer (a client watching along) sees the show, not the desk: no internal notes and no
VIP handles, whether it reads mentions or the journal."""

from __future__ import annotations

from typing import Any

import httpx

NOTE = "Regular caller; owes us a prize"


async def noted_and_vip(producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int,
                        mention_id: int) -> None:  # fmt: skip
    response = await olive.post(f"/api/mentions/{mention_id}/notes", json={"text": NOTE})
    assert response.status_code == 201, response.text
    response = await producer.put(
        f"/api/events/{event_id}/vips", json={"vips": [{"handle": "secret_vip"}]}
    )
    assert response.status_code == 200, response.text


async def test_a_viewer_reads_mentions_without_their_notes(
    producer: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    client_as: Any,
    event_id: int,
    mention_id: int,
) -> None:
    await noted_and_vip(producer, olive, event_id, mention_id)
    viewer = await client_as("viewer")
    listed = (await viewer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    one = (await viewer.get(f"/api/mentions/{mention_id}")).json()
    notes = await viewer.get(f"/api/mentions/{mention_id}/notes")
    assert listed[0]["notes"] == [] and one["notes"] == []
    assert notes.status_code == 403
    # The team still sees them.
    team = (await olive.get(f"/api/mentions/{mention_id}")).json()
    assert [note["text"] for note in team["notes"]] == [NOTE]


async def test_a_viewer_reads_the_journal_without_notes_or_vip_handles(
    producer: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    client_as: Any,
    event_id: int,
    mention_id: int,
) -> None:
    await noted_and_vip(producer, olive, event_id, mention_id)
    viewer = await client_as("viewer")
    seen = (await viewer.get(f"/api/events/{event_id}/journal")).json()
    full = (await producer.get(f"/api/events/{event_id}/journal")).json()
    assert [e["seq"] for e in seen["entries"]] == [e["seq"] for e in full["entries"]]
    assert [e["type"] for e in seen["entries"]] == [e["type"] for e in full["entries"]]
    by_type = {entry["type"]: entry for entry in seen["entries"]}
    assert by_type["mention.noted"]["data"] == {"mention_id": mention_id}
    assert set(by_type["event.vip_added"]["data"]) == {"priority_delta", "mention_ids"}
    assert NOTE not in str(seen) and "secret_vip" not in str(seen)
    assert NOTE in str(full) and "secret_vip" in str(full)
