"""Sources over the API: start, stop, list, restart, failure, and who may do what."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.conftest import make_token
from tests.ingest.helpers import count_mentions, eventually, journal_entries

# Fast enough that mentions arrive within a fraction of a second.
FAST = {"seed": 11, "rate": 2000, "spikes": False}


async def start(client: httpx.AsyncClient, event_id: int, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/events/{event_id}/sources", json=body)
    assert response.status_code == 201, response.text
    source: dict[str, Any] = response.json()
    return source


async def test_starting_and_stopping_a_source_is_journaled_and_mentions_arrive(
    app: Any, producer: httpx.AsyncClient, event_id: int, db: Database
) -> None:
    source = await start(producer, event_id, kind="simulator", config=FAST)
    assert source["status"] == "running"
    assert source["config"]["seed"] == 11

    await eventually(lambda: _has_mentions(db, event_id), what="simulated mentions")
    response = await producer.delete(f"/api/events/{event_id}/sources/{source['id']}")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "stopped"
    assert response.json()["stopped_at"] is not None

    await app.state.sources.flush()
    stored = await count_mentions(db, event_id)
    await asyncio.sleep(0.2)
    assert await count_mentions(db, event_id) == stored
    types = [entry["type"] for entry in await journal_entries(db, event_id)]
    assert types[:2] == ["event.created", "source.started"]
    assert types.count("source.stopped") == 1
    assert types.count("mention.received") == stored


async def test_the_sources_of_an_event_are_listed(
    producer: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    first = await start(producer, event_id, config=FAST)
    await producer.delete(f"/api/events/{event_id}/sources/{first['id']}")
    second = await start(producer, event_id, config={"rate": 1})
    viewer = await client_as("viewer")

    response = await viewer.get(f"/api/events/{event_id}/sources")

    assert response.status_code == 200
    listed = [(s["id"], s["kind"], s["status"]) for s in response.json()]
    assert listed == [(first["id"], "simulator", "stopped"), (second["id"], "simulator", "running")]
    assert isinstance(response.json()[1]["config"]["seed"], int)


async def test_stopping_twice_changes_nothing_the_second_time(
    producer: httpx.AsyncClient, event_id: int, db: Database
) -> None:
    source = await start(producer, event_id, config={"rate": 1})
    url = f"/api/events/{event_id}/sources/{source['id']}"

    first, second = await producer.delete(url), await producer.delete(url)

    assert second.status_code == 200
    assert second.json() == first.json()
    types = [entry["type"] for entry in await journal_entries(db, event_id)]
    assert types.count("source.stopped") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"config": {"rate": 0}}, "config.rate"),
        ({"config": {"rate": 9000}}, "config.rate"),
        ({"config": {"rate": 10, "speed": 3}}, "config.speed"),
        ({"config": {"show_minutes": 30, "start_minute": 45}}, "config"),
        ({"kind": "telepathy"}, "kind"),
    ],
)
async def test_a_bad_source_is_refused_with_a_422(
    producer: httpx.AsyncClient, event_id: int, body: dict[str, Any], field: str
) -> None:
    response = await producer.post(f"/api/events/{event_id}/sources", json=body)

    assert response.status_code == 422, response.text
    messages = [error["message"] for error in response.json()["errors"]]
    assert any(message.startswith(f"{field}:") for message in messages), messages


async def test_an_unknown_kind_is_answered_with_the_known_kinds(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await producer.post(f"/api/events/{event_id}/sources", json={"kind": "fax"})

    assert (
        "known kinds: bluesky, file, mastodon, rehearsal, simulator, x"
        in (response.json()["errors"][0]["message"])
    )


async def test_a_viewer_cannot_start_or_stop_a_source(
    producer: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    source = await start(producer, event_id, config={"rate": 1})
    viewer = await client_as("viewer")

    started = await viewer.post(f"/api/events/{event_id}/sources", json={"config": FAST})
    stopped = await viewer.delete(f"/api/events/{event_id}/sources/{source['id']}")

    assert (started.status_code, stopped.status_code) == (403, 403)


async def test_sources_of_an_unknown_event_are_404(producer: httpx.AsyncClient) -> None:
    started = await producer.post("/api/events/999/sources", json={"config": FAST})
    listed = await producer.get("/api/events/999/sources")

    assert (started.status_code, listed.status_code) == (404, 404)


async def test_a_running_source_resumes_after_a_restart(settings: Settings, db: Database) -> None:
    token = await make_token(db, "pat", "producer")
    headers = {"Authorization": f"Bearer {token}"}

    first_run = create_app(settings)
    async with first_run.router.lifespan_context(first_run):
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=first_run), base_url="http://t", headers=headers
        )
        async with client:
            event = await client.post("/api/events", json={"name": "Final", "hashtags": ["F"]})
            event_id = event.json()["id"]
            source = await start(client, event_id, config=FAST)
            await eventually(lambda: _has_mentions(db, event_id), what="first mentions")
    before_restart = await count_mentions(db, event_id)
    await asyncio.sleep(0.2)
    assert await count_mentions(db, event_id) == before_restart

    second_run = create_app(settings)
    async with second_run.router.lifespan_context(second_run):
        assert second_run.state.sources.is_running(source["id"])
        await eventually(
            lambda: _has_mentions(db, event_id, more_than=before_restart),
            what="mentions after the restart",
        )
    types = [entry["type"] for entry in await journal_entries(db, event_id)]
    assert types.count("source.started") == 1
    assert "source.stopped" not in types


async def _has_mentions(db: Database, event_id: int, more_than: int = 0) -> bool:
    return await count_mentions(db, event_id) > more_than
