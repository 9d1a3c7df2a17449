"""What a networked source reports reaches the journal, the mentions and GET sources:
deletes and edits mark the stored mention (nothing erased), its state and its gaps are
journaled. Run through the whole app against a fake Mastodon speaking SSE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import make_token
from tests.fakes.mastodon_stream import TOKEN, FakeMastodonStream, sse, status
from tests.fakes.scripted_stream import DROP, HOLD
from tests.fakes.server import serve_asgi
from tests.ingest.helpers import eventually, journal_entries, make_event


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeMastodonStream, str]]:
    server = FakeMastodonStream()
    async with serve_asgi(server.app()) as url:
        yield server, url


@pytest.fixture
async def listening(
    settings: Settings, fake: tuple[FakeMastodonStream, str], db: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeMastodonStream]]:
    server, url = fake
    listen = settings.model_copy(
        update={
            "mastodon_servers": Settings(
                mastodon_servers=[{"url": url, "token": TOKEN}]
            ).mastodon_servers,
            "listen_state_report_seconds": 0.0,
            # Batches that wait well past a back-fill: a gap must not close before what
            # the back-fill found is stored.
            "ingest_batch_max_delay_ms": 300,
        }
    )
    application = create_app(listen)
    async with application.router.lifespan_context(application):
        token = await make_token(db, "pat", "producer")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            yield client, server


def types_of(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["type"] for entry in entries]


async def test_a_deleted_and_an_edited_post_are_marked_journaled_and_kept(
    listening: tuple[httpx.AsyncClient, FakeMastodonStream], db: Database
) -> None:
    client, server = listening
    event_id = await make_event(db)
    kept, gone = status(1, "Kick-off #CupFinal"), status(2, "Oops #CupFinal")
    edited = {
        **kept,
        "content": "<p>Kick-off! #CupFinal</p>",
        "edited_at": "2026-12-01T20:01:00.000Z",
    }
    server.connections = [
        [
            sse("update", kept),
            sse("update", gone),
            sse("status.update", edited),
            sse("delete", gone["id"]),
            HOLD,
        ]
    ]
    response = await client.post(f"/api/events/{event_id}/sources", json={"kind": "mastodon"})
    assert response.status_code == 201, response.text

    async def both_marked() -> bool:
        found = types_of(await journal_entries(db, event_id))
        return "mention.edited" in found and "mention.deleted" in found

    await eventually(both_marked, what="the edit and the delete journaled")
    entries = await journal_entries(db, event_id)
    mentions = {
        m["external_id"]: m
        for m in (await client.get(f"/api/events/{event_id}/mentions")).json()["items"]
    }

    assert len(mentions) == 2
    assert mentions[kept["uri"]]["text"] == "Kick-off! #CupFinal"
    assert mentions[kept["uri"]]["edited_at"] == "2026-12-01T20:01:00.000Z"
    assert mentions[gone["uri"]]["text"] == "Oops #CupFinal"  # kept, marked
    assert mentions[gone["uri"]]["deleted_at"] is not None
    deleted = next(e for e in entries if e["type"] == "mention.deleted")
    assert deleted["data"] == {
        "mention_id": mentions[gone["uri"]]["id"],
        "deleted_at": mentions[gone["uri"]]["deleted_at"],
    }
    edit = next(e for e in entries if e["type"] == "mention.edited")
    assert edit["data"]["text"] == "Kick-off! #CupFinal"


async def test_a_sources_state_and_its_gap_are_journaled_and_shown_by_get_sources(
    listening: tuple[httpx.AsyncClient, FakeMastodonStream], db: Database
) -> None:
    client, server = listening
    event_id = await make_event(db)
    first, missed = status(10), status(11)
    server.connections = [[sse("update", first), DROP], [HOLD]]
    server.timeline = [first, missed]
    response = await client.post(f"/api/events/{event_id}/sources", json={"kind": "mastodon"})
    source_id = response.json()["id"]

    async def gap_closed() -> bool:
        return "source.gap_closed" in types_of(await journal_entries(db, event_id))

    await eventually(gap_closed, what="the gap closed")
    entries = await journal_entries(db, event_id)
    opened = next(e for e in entries if e["type"] == "source.gap_opened")["data"]
    closed = next(e for e in entries if e["type"] == "source.gap_closed")["data"]
    states = [e["data"]["status"] for e in entries if e["type"] == "source.state_changed"]

    assert opened["source_id"] == source_id and opened["network"] == "mastodon"
    assert closed["from_at"] == opened["from_at"] and closed["backfilled"] is True
    assert closed["to_at"] >= closed["from_at"]
    assert "connected" in states and "reconnecting" in states
    external = [e["data"]["external_id"] for e in entries if e["type"] == "mention.received"]
    assert sorted(external) == sorted([first["uri"], missed["uri"]])
    # In the feed before the gap says it is closed.
    back_filled = next(e for e in entries if e["data"].get("external_id") == missed["uri"])
    closing = next(e for e in entries if e["type"] == "source.gap_closed")
    assert back_filled["seq"] < closing["seq"]

    async def shown_connected() -> bool:
        listed = (await client.get(f"/api/events/{event_id}/sources")).json()
        state = listed[0]["state"]
        return bool(state) and state["status"] == "connected"

    await eventually(shown_connected, what="GET sources showing the state")
