"""The show clock: a producer marks the event on air (T+0), corrects it, and marks it off air."""

from __future__ import annotations

from typing import Any

import httpx
import pytest


async def _journal(client: httpx.AsyncClient, event_id: int) -> list[dict[str, Any]]:
    response = await client.get(f"/api/events/{event_id}/journal")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_on_air_without_a_time_starts_the_clock_now_and_is_journaled(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    response = await producer.post(f"/api/events/{event_id}/on-air")
    assert response.status_code == 200, response.text
    on_air_at = response.json()["on_air_at"]
    assert on_air_at is not None and on_air_at.endswith("Z")
    assert response.json()["off_air_at"] is None
    entry = (await _journal(producer, event_id))[-1]
    assert entry["type"] == "event.on_air"
    assert entry["actor"] == "pat"
    assert entry["data"] == {"on_air_at": on_air_at, "previous_on_air_at": None}


async def test_a_second_on_air_corrects_the_time_and_journals_the_one_replaced(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    url = f"/api/events/{event_id}/on-air"
    first = await producer.post(url, json={"at": "2027-02-07T23:30:00+01:00"})
    assert first.json()["on_air_at"] == "2027-02-07T22:30:00.000Z"
    corrected = await producer.post(url, json={"at": "2027-02-07T22:31:15.250Z"})
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["on_air_at"] == "2027-02-07T22:31:15.250Z"
    read = (await producer.get(f"/api/events/{event_id}")).json()
    assert read["on_air_at"] == "2027-02-07T22:31:15.250Z"
    on_air = [e["data"] for e in await _journal(producer, event_id) if e["type"] == "event.on_air"]
    assert on_air == [
        {"on_air_at": "2027-02-07T22:30:00.000Z", "previous_on_air_at": None},
        {
            "on_air_at": "2027-02-07T22:31:15.250Z",
            "previous_on_air_at": "2027-02-07T22:30:00.000Z",
        },
    ]


async def test_the_same_on_air_time_again_journals_nothing(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    url = f"/api/events/{event_id}/on-air"
    await producer.post(url, json={"at": "2027-02-07T22:30:00Z"})
    again = await producer.post(url, json={"at": "2027-02-07T23:30:00+01:00"})
    assert again.status_code == 200
    types = [e["type"] for e in await _journal(producer, event_id)]
    assert types.count("event.on_air") == 1


async def test_off_air_ends_the_show_and_can_be_corrected(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await producer.post(f"/api/events/{event_id}/on-air", json={"at": "2027-02-07T22:30:00Z"})
    url = f"/api/events/{event_id}/off-air"
    ended = await producer.post(url, json={"at": "2027-02-08T01:30:00Z"})
    assert ended.status_code == 200, ended.text
    assert ended.json()["off_air_at"] == "2027-02-08T01:30:00.000Z"
    await producer.post(url, json={"at": "2027-02-08T01:45:00Z"})
    off_air = [
        e["data"] for e in await _journal(producer, event_id) if e["type"] == "event.off_air"
    ]
    assert off_air == [
        {"off_air_at": "2027-02-08T01:30:00.000Z", "previous_off_air_at": None},
        {
            "off_air_at": "2027-02-08T01:45:00.000Z",
            "previous_off_air_at": "2027-02-08T01:30:00.000Z",
        },
    ]


async def test_off_air_before_on_air_is_refused_and_changes_nothing(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    never_on = await producer.post(f"/api/events/{event_id}/off-air")
    assert never_on.status_code == 409, never_on.text
    await producer.post(f"/api/events/{event_id}/on-air", json={"at": "2027-02-07T22:30:00Z"})
    early = await producer.post(
        f"/api/events/{event_id}/off-air", json={"at": "2027-02-07T22:00:00Z"}
    )
    assert early.status_code == 422, early.text
    await producer.post(f"/api/events/{event_id}/off-air", json={"at": "2027-02-07T23:00:00Z"})
    late = await producer.post(
        f"/api/events/{event_id}/on-air", json={"at": "2027-02-07T23:30:00Z"}
    )
    assert late.status_code == 422, late.text
    event = (await producer.get(f"/api/events/{event_id}")).json()
    assert event["on_air_at"] == "2027-02-07T22:30:00.000Z"
    assert event["off_air_at"] == "2027-02-07T23:00:00.000Z"


@pytest.mark.parametrize("body", [{"at": "2027-02-07T22:30:00"}, {"at": "soon"}, {"when": 1}])
async def test_an_on_air_time_without_offset_is_refused_never_guessed(
    producer: httpx.AsyncClient, event_id: int, body: dict[str, Any]
) -> None:
    response = await producer.post(f"/api/events/{event_id}/on-air", json=body)
    assert response.status_code == 422, response.text
    assert (await producer.get(f"/api/events/{event_id}")).json()["on_air_at"] is None


async def test_only_producers_mark_the_show_clock(
    client_as: Any, producer: httpx.AsyncClient, event_id: int
) -> None:
    for role in ("operator", "viewer"):
        client = await client_as(role)
        for path in ("on-air", "off-air"):
            response = await client.post(f"/api/events/{event_id}/{path}")
            assert response.status_code == 403, (role, path, response.text)
    admin = await client_as("admin")
    assert (await admin.post(f"/api/events/{event_id}/on-air")).status_code == 200


async def test_on_air_of_an_unknown_event_is_404(producer: httpx.AsyncClient) -> None:
    response = await producer.post("/api/events/4242/on-air")
    assert response.status_code == 404


async def test_quick_posts_need_approval_is_an_event_setting(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    assert (await producer.get(f"/api/events/{event_id}")).json()[
        "quick_posts_need_approval"
    ] is False
    response = await producer.patch(
        f"/api/events/{event_id}", json={"quick_posts_need_approval": True}
    )
    assert response.status_code == 200, response.text
    assert response.json()["quick_posts_need_approval"] is True
    entry = (await _journal(producer, event_id))[-1]
    assert entry["data"]["changed"] == ["quick_posts_need_approval"]
    refused = await producer.patch(
        f"/api/events/{event_id}", json={"quick_posts_need_approval": None}
    )
    assert refused.status_code == 422
