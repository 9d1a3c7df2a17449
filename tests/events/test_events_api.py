from __future__ import annotations

from typing import Any

import httpx


async def test_producer_creates_event_with_clean_hashtags(producer: httpx.AsyncClient) -> None:
    response = await producer.post(
        "/api/events",
        json={
            "name": "  Super Bowl LXI  ",
            "hashtags": ["#SuperBowl", "superbowl", "#Halftime"],
            "keywords": ["touchdown"],
            "networks": ["x", "bluesky"],
            "starts_at": "2027-02-07T23:30:00Z",
            "ends_at": "2027-02-08T03:30:00+00:00",
        },
    )
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["name"] == "Super Bowl LXI"
    assert event["hashtags"] == ["SuperBowl", "Halftime"]
    assert event["networks"] == ["x", "bluesky"]
    assert event["status"] == "scheduled"
    assert event["starts_at"].startswith("2027-02-07T23:30:00")


async def test_events_are_listed_newest_first_and_read_one_by_one(
    producer: httpx.AsyncClient,
) -> None:
    first = (await producer.post("/api/events", json={"name": "Morning show"})).json()
    second = (await producer.post("/api/events", json={"name": "Evening show"})).json()
    listed = (await producer.get("/api/events")).json()
    assert [e["id"] for e in listed] == [second["id"], first["id"]]
    one = await producer.get(f"/api/events/{first['id']}")
    assert one.status_code == 200
    assert one.json()["name"] == "Morning show"


async def test_unknown_event_is_404_with_a_message(producer: httpx.AsyncClient) -> None:
    response = await producer.get("/api/events/4242")
    assert response.status_code == 404
    assert "4242" in response.json()["detail"]


async def test_patch_changes_only_the_fields_sent(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await producer.patch(f"/api/events/{event_id}", json={"status": "live"})
    assert response.status_code == 200, response.text
    event = response.json()
    assert event["status"] == "live"
    assert event["name"] == "Cup Final"
    assert event["hashtags"] == ["CupFinal"]


async def test_event_changes_are_journaled(producer: httpx.AsyncClient, event_id: int) -> None:
    await producer.patch(f"/api/events/{event_id}", json={"name": "Cup Final 2027"})
    entries = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    assert [e["type"] for e in entries] == ["event.created", "event.updated"]
    assert entries[1]["actor"] == "pat"
    assert entries[1]["data"]["changed"] == ["name"]
    assert entries[1]["data"]["name"] == "Cup Final 2027"


async def test_patch_that_changes_nothing_journals_nothing(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await producer.patch(f"/api/events/{event_id}", json={"name": "Cup Final"})
    entries = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"]
    assert [e["type"] for e in entries] == ["event.created"]


async def test_bad_event_input_is_refused_clearly(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("post", "/api/events", {"name": ""}),
        ("post", "/api/events", {"name": "x", "networks": ["myspace"]}),
        ("post", "/api/events", {"name": "x", "status": "paused"}),
        ("post", "/api/events", {"name": "x", "colour": "red"}),
        (
            "post",
            "/api/events",
            {"name": "x", "starts_at": "2027-01-02T00:00:00Z", "ends_at": "2027-01-01T00:00:00Z"},
        ),
        ("patch", f"/api/events/{event_id}", {"name": None}),
        (
            "patch",
            f"/api/events/{event_id}",
            {"ends_at": "1999-01-01T00:00:00Z", "starts_at": "2000-01-01T00:00:00Z"},
        ),
    ]
    for method, url, body in cases:
        response = await producer.request(method, url, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"], body


async def test_operator_cannot_create_or_change_events(client_as: Any, event_id: int) -> None:
    operator = await client_as("operator")
    assert (await operator.post("/api/events", json={"name": "Mine"})).status_code == 403
    patch = await operator.patch(f"/api/events/{event_id}", json={"status": "ended"})
    assert patch.status_code == 403
    assert (await operator.get(f"/api/events/{event_id}")).status_code == 200
