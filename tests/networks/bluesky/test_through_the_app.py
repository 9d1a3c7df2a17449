"""A Bluesky source started through the API stores its posts with their authors, and
marks an edited and a deleted post (nothing erased), against a local Jetstream and
AppView."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import make_token
from tests.fakes.jetstream import (
    FakeAppView,
    FakeJetstream,
    post_event,
    profile,
    serve_jetstream,
)
from tests.fakes.server import serve_asgi
from tests.ingest.helpers import eventually, journal_entries, make_event

ALICE = "did:plc:alice"
T0 = 1_783_175_888_000_000


@pytest.fixture
async def listening(
    settings: Settings, db: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeJetstream]]:
    jetstream, appview = FakeJetstream(), FakeAppView()
    appview.profiles[ALICE] = profile(ALICE, "alice.bsky.social", 42, "Alice")
    async with serve_jetstream(jetstream) as ws_url, serve_asgi(appview.app()) as http_url:
        listen = settings.model_copy(
            update={
                "bluesky_jetstream_url": ws_url,
                "bluesky_appview_url": http_url,
                "bluesky_profile_wait_seconds": 0.02,
                "listen_state_report_seconds": 0.0,
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
                yield client, jetstream


async def test_a_bluesky_post_is_stored_with_its_author_then_edited_and_deleted(
    listening: tuple[httpx.AsyncClient, FakeJetstream], db: Database
) -> None:
    client, jetstream = listening
    event_id = await make_event(db)
    jetstream.events = [
        post_event(ALICE, "a1", T0, "Kick-off #CupFinal", facet_tags=("CupFinal",)),
        post_event(ALICE, "a2", T0 + 1, "Oops #CupFinal", facet_tags=("CupFinal",)),
        post_event(
            ALICE, "a1", T0 + 2, "Kick-off! #CupFinal", operation="update", facet_tags=("CupFinal",)
        ),
        post_event(ALICE, "a2", T0 + 3, "", operation="delete"),
    ]
    response = await client.post(f"/api/events/{event_id}/sources", json={"kind": "bluesky"})
    assert response.status_code == 201, response.text

    async def both_marked() -> bool:
        found = [entry["type"] for entry in await journal_entries(db, event_id)]
        return "mention.edited" in found and "mention.deleted" in found

    await eventually(both_marked, what="the edit and the delete journaled")
    items = (await client.get(f"/api/events/{event_id}/mentions")).json()["items"]
    mentions = {m["external_id"].rsplit("/", 1)[1]: m for m in items}

    assert set(mentions) == {"a1", "a2"}
    assert mentions["a1"]["text"] == "Kick-off! #CupFinal"
    assert mentions["a1"]["edited_at"] is not None
    assert mentions["a1"]["author"]["handle"] == "alice.bsky.social"
    assert mentions["a1"]["author"]["followers"] == 42
    assert mentions["a1"]["url"] == f"https://bsky.app/profile/{ALICE}/post/a1"
    assert mentions["a2"]["deleted_at"] is not None
    assert mentions["a2"]["text"] == "Oops #CupFinal"
