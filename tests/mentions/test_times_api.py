"""Every time a mention carries is valid once in UTC, read back as it was written, and never
guessed: a time without its offset is refused."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import mention_payload


async def test_a_mention_from_year_999_reads_back_everywhere(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    payload = mention_payload(1, created_at="0999-06-30T08:56:23Z")
    response = await producer.post(f"/api/events/{event_id}/mentions", json=[payload])
    assert response.status_code == 200, response.text

    listed = await producer.get(f"/api/events/{event_id}/mentions")
    assert listed.status_code == 200, listed.text
    (mention,) = listed.json()["items"]
    assert mention["created_at"] == "0999-06-30T08:56:23.000Z"
    one = await producer.get(f"/api/mentions/{mention['id']}")
    assert one.status_code == 200, one.text
    assert one.json()["created_at"] == "0999-06-30T08:56:23.000Z"
    claimed = await producer.post(f"/api/events/{event_id}/claims/next")
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["mention"]["created_at"] == "0999-06-30T08:56:23.000Z"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("0010-02-08T21:00:00.123456+01:00", "0010-02-08T20:00:00.123Z"),
    ],
)
async def test_an_early_year_is_stored_in_utc_and_sent_back_with_four_digits(
    producer: httpx.AsyncClient, event_id: int, written: str, read: str
) -> None:
    response = await producer.post(
        f"/api/events/{event_id}/mentions", json=[mention_payload(1, created_at=written)]
    )
    assert response.status_code == 200, response.text
    (mention,) = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert mention["created_at"] == read


async def test_a_time_without_an_offset_is_refused_naming_the_field(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    batch = [mention_payload(1), mention_payload(2, created_at="2026-02-08T20:00:00")]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", 1, "created_at"]
    assert error["message"].startswith("item 1: created_at: ")
    assert "timezone" in error["message"]
    assert (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"] == []


@pytest.mark.parametrize(
    "outside", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:30:00+01:00", "0000-06-30T08:00:00Z"]
)
async def test_a_time_outside_years_1_to_9999_in_utc_is_refused_naming_the_item(
    producer: httpx.AsyncClient, event_id: int, outside: str
) -> None:
    batch = [mention_payload(1), mention_payload(2), mention_payload(3, created_at=outside)]
    response = await producer.post(f"/api/events/{event_id}/mentions", json=batch)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["item"] == 2
    assert error["loc"] == ["body", 2, "created_at"]
    assert (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"] == []
