"""The cue sheet: cues in running order, their triggers, who may change them."""

from __future__ import annotations

from typing import Any

import httpx

from app.common.time import isoformat_z, utcnow
from app.db import Database
from tests.cues.helpers import add_cue, add_drafts, entries, later, set_event
from tests.factories import thread


async def test_a_producer_builds_the_sheet_in_running_order(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    tease = await add_cue(producer, event_id, title="Pre-show tease", note="on the countdown")
    kickoff = await add_cue(
        producer, event_id, title="Kickoff", trigger="at_time", fire_at=later(600)
    )
    goal = await add_cue(producer, event_id, title="First goal")
    await add_drafts(db, event_id, kickoff["id"], content=thread({"x": "Go!", "bluesky": "Go"}))
    await add_drafts(db, event_id, kickoff["id"], status="in_review")
    assert [tease["position"], kickoff["position"], goal["position"]] == [0, 1, 2]
    assert kickoff["due_at"] == kickoff["fire_at"]
    assert tease["due_at"] is None and tease["armed"] is True and tease["fire_count"] == 0

    response = await producer.put(
        f"/api/events/{event_id}/cues/order",
        json={"cue_ids": [kickoff["id"], tease["id"], goal["id"]]},
    )
    assert response.status_code == 200, response.text
    sheet = (await producer.get(f"/api/events/{event_id}/cues")).json()["cues"]
    assert [c["title"] for c in sheet] == ["Kickoff", "Pre-show tease", "First goal"]
    assert [d["status"] for d in sheet[0]["drafts"]] == ["approved", "in_review"]
    assert sheet[0]["drafts"][0]["networks"] == ["x", "bluesky"]
    assert sheet[1]["note"] == "on the countdown"
    (reordered,) = await entries(producer, event_id, "cue.reordered")
    assert reordered["data"] == {"cue_ids": [kickoff["id"], tease["id"], goal["id"]]}
    assert len(await entries(producer, event_id, "cue.created")) == 3


async def test_a_cue_is_edited_and_soft_deleted(producer: httpx.AsyncClient, event_id: int) -> None:
    cue = await add_cue(producer, event_id)
    response = await producer.patch(
        f"/api/cues/{cue['id']}",
        json={"title": "Kick-off", "trigger": "at_time", "fire_at": later(60)},
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Kick-off"
    assert response.json()["due_at"] is not None
    (updated,) = await entries(producer, event_id, "cue.updated")
    assert updated["data"]["changed"] == ["due_at", "fire_at", "title", "trigger"]

    assert (await producer.delete(f"/api/cues/{cue['id']}")).status_code == 204
    assert (await producer.get(f"/api/cues/{cue['id']}")).status_code == 404
    assert (await producer.get(f"/api/events/{event_id}/cues")).json()["cues"] == []
    assert (await producer.post(f"/api/cues/{cue['id']}/fire")).status_code == 404
    (deleted,) = await entries(producer, event_id, "cue.deleted")
    assert deleted["data"]["cue"]["id"] == cue["id"]


async def test_a_time_in_the_past_is_refused_at_scheduling(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    past = isoformat_z(utcnow().replace(year=2020))
    response = await producer.post(
        f"/api/events/{event_id}/cues",
        json={"title": "Late", "trigger": "at_time", "fire_at": past},
    )
    assert response.status_code == 422
    assert "in the past" in response.json()["detail"]
    no_time = await producer.post(
        f"/api/events/{event_id}/cues", json={"title": "No time", "trigger": "at_time"}
    )
    assert no_time.status_code == 422 and "needs fire_at" in no_time.json()["detail"]
    naive = await producer.post(
        f"/api/events/{event_id}/cues",
        json={"title": "Naive", "trigger": "at_time", "fire_at": "2030-01-01T20:00:00"},
    )
    assert naive.status_code == 422
    negative = await producer.post(
        f"/api/events/{event_id}/cues",
        json={"title": "Neg", "trigger": "show_offset", "offset_seconds": -5},
    )
    assert negative.status_code == 422

    cue = await add_cue(producer, event_id)
    moved = await producer.patch(
        f"/api/cues/{cue['id']}", json={"trigger": "at_time", "fire_at": past}
    )
    assert moved.status_code == 422
    # On air for 40 minutes: T+00:10:00 has passed.
    await set_event(db, event_id, on_air_at=utcnow().replace(microsecond=0) - _minutes(40))
    offset = await producer.post(
        f"/api/events/{event_id}/cues",
        json={"title": "Ten in", "trigger": "show_offset", "offset_seconds": 600},
    )
    assert offset.status_code == 422
    assert "T+00:10:00 has passed on the show clock" in offset.json()["detail"]
    # Nothing half-written on any refusal.
    assert [
        c["id"] for c in (await producer.get(f"/api/events/{event_id}/cues")).json()["cues"]
    ] == [cue["id"]]
    assert len(await entries(producer, event_id, "cue.created")) == 1
    assert await entries(producer, event_id, "cue.updated") == []


def _minutes(n: int) -> Any:
    from datetime import timedelta

    return timedelta(minutes=n)


async def test_a_show_offset_cue_is_due_once_the_event_is_on_air(
    producer: httpx.AsyncClient, db: Database, event_id: int
) -> None:
    from app.cues.schedule import recompute_due_times
    from app.events.models import Event
    from app.journal import service as journal

    cue = await add_cue(
        producer, event_id, title="Halftime", trigger="show_offset", offset_seconds=2700
    )
    assert cue["due_at"] is None
    on_air = utcnow().replace(microsecond=0)
    async with db.transaction() as session:
        await journal.lock_counter(session, event_id)
        event = await session.get(Event, event_id)
        assert event is not None
        event.on_air_at = on_air
        await session.flush()
        assert await recompute_due_times(session, event) == [cue["id"]]
    fetched = (await producer.get(f"/api/cues/{cue['id']}")).json()
    assert fetched["due_at"] == isoformat_z(on_air + _minutes(45))
    (updated,) = await entries(producer, event_id, "cue.updated")
    assert updated["data"]["changed"] == ["due_at"]


async def test_reordering_names_every_cue_of_the_event_once(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    one = await add_cue(producer, event_id, title="One")
    two = await add_cue(producer, event_id, title="Two")
    other_event = (await producer.post("/api/events", json={"name": "Other"})).json()["id"]
    elsewhere = await add_cue(producer, other_event, title="Elsewhere")
    order = f"/api/events/{event_id}/cues/order"
    missing = await producer.put(order, json={"cue_ids": [one["id"]]})
    assert missing.status_code == 422 and "missing" in missing.json()["detail"]
    foreign = await producer.put(order, json={"cue_ids": [one["id"], two["id"], elsewhere["id"]]})
    assert foreign.status_code == 422 and "not cues of this event" in foreign.json()["detail"]
    twice = await producer.put(order, json={"cue_ids": [one["id"], one["id"], two["id"]]})
    assert twice.status_code == 422
    assert await entries(producer, event_id, "cue.reordered") == []


async def test_operators_and_viewers_cannot_schedule_fire_or_rearm(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    viewer = await client_as("viewer")
    cue = await add_cue(producer, event_id, note="internal: wait for the director")
    for client in (olive, viewer):
        assert (
            await client.post(f"/api/events/{event_id}/cues", json={"title": "X"})
        ).status_code == 403
        assert (
            await client.patch(f"/api/cues/{cue['id']}", json={"title": "Y"})
        ).status_code == 403
        assert (await client.delete(f"/api/cues/{cue['id']}")).status_code == 403
        assert (await client.post(f"/api/cues/{cue['id']}/fire")).status_code == 403
        assert (await client.post(f"/api/cues/{cue['id']}/rearm")).status_code == 403
        order = {"cue_ids": [cue["id"]]}
        assert (
            await client.put(f"/api/events/{event_id}/cues/order", json=order)
        ).status_code == 403
    assert (await producer.get(f"/api/cues/{cue['id']}")).json()["fire_count"] == 0
    # Viewers see the sheet, not its internal notes; operators see both.
    seen = (await viewer.get(f"/api/events/{event_id}/cues")).json()["cues"][0]
    assert "note" not in seen and seen["title"] == "Kickoff"
    assert "note" not in (await viewer.get(f"/api/cues/{cue['id']}")).json()
    assert (await olive.get(f"/api/cues/{cue['id']}")).json()["note"].startswith("internal")
    journal = (await viewer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    (created,) = [e for e in journal if e["type"] == "cue.created"]
    assert "note" not in created["data"]["cue"]
