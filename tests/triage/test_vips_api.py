"""The VIP list: normalised, applied at ingest, re-applied to stored mentions on change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.mentions.priority import VIP_BONUS
from tests.factories import mention_payload
from tests.triage.helpers import ingest, journal


def by(external_id: int, handle: str, network: str = "x") -> dict[str, Any]:
    return mention_payload(
        external_id, network=network, text="Hello", author={"handle": handle, "followers": 0}
    )


async def priorities(client: httpx.AsyncClient, event_id: int) -> dict[str, int]:
    items = (await client.get(f"/api/events/{event_id}/mentions")).json()["items"]
    return {m["external_id"]: m["priority"] for m in items}


async def test_the_list_is_normalised_and_replaced_whole(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> None:
    url = f"/api/events/{event_id}/vips"
    assert (await olive.get(url)).json() == {"event_id": event_id, "vips": []}
    response = await producer.put(
        url,
        json={"vips": ["@Ana", {"handle": "BOB", "network": "x"}, "ana", "@zed@mastodon.social"]},
    )
    assert response.status_code == 200, response.text
    expected = [
        {"handle": "ana", "network": None},
        {"handle": "bob", "network": "x"},
        {"handle": "zed@mastodon.social", "network": None},
    ]
    assert response.json() == {
        "event_id": event_id,
        "vips": expected,
        "added": 3,
        "removed": 0,
        "reprioritised": 0,
    }
    assert (await olive.get(url)).json()["vips"] == expected
    replaced = await producer.put(url, json={"vips": [{"handle": "bob", "network": "x"}]})
    assert (replaced.json()["added"], replaced.json()["removed"]) == (0, 2)


async def test_ingest_adds_the_vip_bonus(producer: httpx.AsyncClient, event_id: int) -> None:
    await producer.put(
        f"/api/events/{event_id}/vips",
        json={"vips": ["ana", {"handle": "bob", "network": "x"}]},
    )
    await ingest(
        producer,
        event_id,
        [by(1, "@ANA", "bluesky"), by(2, "bob"), by(3, "bob", "mastodon"), by(4, "carol")],
    )
    assert await priorities(producer, event_id) == {
        "1": VIP_BONUS,
        "2": VIP_BONUS,
        "3": 0,
        "4": 0,
    }
    received = [e for e in await journal(producer, event_id) if e["type"] == "mention.received"]
    assert [e["data"]["priority"] for e in received] == [VIP_BONUS, VIP_BONUS, 0, 0]


async def test_changing_the_list_reprioritises_stored_mentions_and_is_journaled(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    ids = await ingest(
        producer, event_id, [by(1, "ana"), by(2, "@Ana", "mastodon"), by(3, "bob"), by(4, "x1")]
    )
    url = f"/api/events/{event_id}/vips"
    added = await producer.put(url, json={"vips": ["ana", {"handle": "bob", "network": "x"}]})
    assert added.json()["reprioritised"] == 3
    assert await priorities(producer, event_id) == {
        "1": VIP_BONUS,
        "2": VIP_BONUS,
        "3": VIP_BONUS,
        "4": 0,
    }
    # Narrowing ana to X only: her Mastodon mention loses the bonus, the X one keeps it.
    narrowed = await producer.put(
        url,
        json={"vips": [{"handle": "ana", "network": "x"}, {"handle": "bob", "network": "x"}]},
    )
    assert narrowed.json()["reprioritised"] == 1
    assert await priorities(producer, event_id) == {"1": VIP_BONUS, "2": 0, "3": VIP_BONUS, "4": 0}
    await producer.put(url, json={"vips": []})
    assert set((await priorities(producer, event_id)).values()) == {0}
    entries = [e for e in await journal(producer, event_id) if e["type"].startswith("event.vip")]
    assert [(e["type"], e["data"]) for e in entries] == [
        (
            "event.vip_added",
            {
                "handle": "ana",
                "network": None,
                "priority_delta": VIP_BONUS,
                "mention_ids": [ids[0], ids[1]],
            },
        ),
        (
            "event.vip_added",
            {"handle": "bob", "network": "x", "priority_delta": VIP_BONUS, "mention_ids": [ids[2]]},
        ),
        (
            "event.vip_added",
            {"handle": "ana", "network": "x", "priority_delta": VIP_BONUS, "mention_ids": []},
        ),
        (
            "event.vip_removed",
            {
                "handle": "ana",
                "network": None,
                "priority_delta": -VIP_BONUS,
                "mention_ids": [ids[1]],
            },
        ),
        (
            "event.vip_removed",
            {
                "handle": "ana",
                "network": "x",
                "priority_delta": -VIP_BONUS,
                "mention_ids": [ids[0]],
            },
        ),
        (
            "event.vip_removed",
            {
                "handle": "bob",
                "network": "x",
                "priority_delta": -VIP_BONUS,
                "mention_ids": [ids[2]],
            },
        ),
    ]
    assert all(e["actor"] == "pat" for e in entries)


async def test_a_vip_goes_first_in_claim_next(
    producer: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int
) -> None:
    angry, vip = await ingest(
        producer,
        event_id,
        [
            mention_payload(
                1, text="Worst. Refund now?", author={"handle": "a", "followers": 10**7}
            ),
            by(2, "ana"),
        ],
    )
    await producer.put(f"/api/events/{event_id}/vips", json={"vips": ["ana"]})
    sorted_feed = await producer.get(
        f"/api/events/{event_id}/mentions", params={"sort": "priority"}
    )
    assert [m["id"] for m in sorted_feed.json()["items"]] == [vip, angry]
    grant = await olive.post(f"/api/events/{event_id}/claims/next")
    assert grant.json()["mention"]["id"] == vip


async def test_only_a_producer_changes_the_list_and_a_viewer_cannot_read_it(
    olive: httpx.AsyncClient, client_as: Any, event_id: int
) -> None:
    url = f"/api/events/{event_id}/vips"
    assert (await olive.put(url, json={"vips": ["ana"]})).status_code == 403
    viewer = await client_as("viewer")
    assert (await viewer.get(url)).status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"vips": ["two words"]}, "vips.0.handle: Value error, a handle is"),
        ({"vips": ["@"]}, "vips.0.handle: Value error, a handle is"),
        ({"vips": [{"handle": "ana", "network": "myspace"}]}, "vips.0.network: Input should be"),
        ({"vips": ["a"] * 2001}, "vips: List should have at most 2000 items"),
        ({"vips": "ana"}, "vips: Input should be a valid list"),
        ({}, "vips: Field required"),
    ],
)
async def test_a_bad_list_is_422(
    producer: httpx.AsyncClient, event_id: int, body: Any, message: str
) -> None:
    response = await producer.put(f"/api/events/{event_id}/vips", json=body)
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert any(m.startswith(message) for m in messages), messages


async def test_vips_of_an_unknown_event_are_404(producer: httpx.AsyncClient) -> None:
    assert (await producer.get("/api/events/999/vips")).status_code == 404
    assert (await producer.put("/api/events/999/vips", json={"vips": []})).status_code == 404
