"""An event's start and end are times like any other: an offset required, read back as sent."""

from __future__ import annotations

import httpx
import pytest


async def test_an_event_in_year_999_reads_back_as_written(producer: httpx.AsyncClient) -> None:
    created = await producer.post(
        "/api/events",
        json={"name": "Coronation", "starts_at": "0999-06-30T08:56:23+02:00"},
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]
    assert created.json()["starts_at"] == "0999-06-30T06:56:23.000Z"
    read = await producer.get(f"/api/events/{event_id}")
    assert read.status_code == 200, read.text
    assert read.json()["starts_at"] == "0999-06-30T06:56:23.000Z"
    listed = await producer.get("/api/events")
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "2027-02-07T23:30:00"),
        ("ends_at", "9999-12-31T23:59:59-12:00"),
        ("starts_at", "0001-01-01T00:00:00+00:30"),
    ],
)
async def test_a_time_without_offset_or_past_year_9999_is_refused_naming_it(
    producer: httpx.AsyncClient, event_id: int, field: str, value: str
) -> None:
    for method, url in (("post", "/api/events"), ("patch", f"/api/events/{event_id}")):
        response = await producer.request(method, url, json={"name": "Final", field: value})
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert error["loc"] == ["body", field]
