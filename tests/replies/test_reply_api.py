from __future__ import annotations

from typing import Any

import httpx

from app.db import Database
from app.triage.sweeper import expire_due
from tests.replies.conftest import claim, wait_for_entry
from tests.triage.helpers import ingest, journal, last_seq, on_every_broker


def reply_url(mention_id: int) -> str:
    return f"/api/mentions/{mention_id}/reply"


@on_every_broker
async def test_the_holder_replies_and_the_mention_is_answered_and_the_claim_ends(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": fence, "draft": "Tha"})
    response = await olive.post(reply_url(mention_id), json={"text": "Thanks!", "fence": fence})
    assert response.status_code == 201, response.text
    reply = response.json()
    assert reply["status"] == "queued"
    assert reply["text"] == "Thanks!"
    assert reply["network"] == "x"
    assert reply["author"] == {"username": "olive", "display_name": "Olive"}
    mention = (await producer.get(f"/api/mentions/{mention_id}")).json()
    assert mention["state"] == "replied"
    assert mention["claim"] is None
    assert (await olive.get(f"/api/events/{event_id}/claims/mine")).json()["claims"] == []
    (entry,) = [e for e in await journal(producer, event_id) if e["type"] == "mention.replied"]
    assert entry["actor"] == "olive"
    assert entry["data"]["mention_id"] == mention_id
    assert entry["data"]["reply"]["id"] == reply["id"]


@on_every_broker
async def test_a_dry_run_reply_is_published_with_a_fake_id_and_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    await olive.post(reply_url(mention_id), json={"text": "Thanks!", "fence": fence})
    (published,) = await wait_for_entry(producer, event_id, "reply.published")
    reply = published["data"]["reply"]
    assert reply["status"] == "published"
    assert reply["dry_run"] is True
    assert reply["external_id"].startswith("dryrun-")
    assert reply["attempts"] == 1
    assert reply["published_at"] is not None
    listed = (await producer.get(f"/api/mentions/{mention_id}/replies")).json()["replies"]
    assert listed == [reply]
    # A console loading the feed (after a reload, say) sees the reply and its fate.
    assert (await producer.get(f"/api/mentions/{mention_id}")).json()["reply"] == reply
    feed = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert feed[0]["reply"] == reply


async def test_a_reply_with_an_expired_and_retaken_claim_is_refused(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    db: Database,
    event_id: int,
    mention_id: int,
) -> None:
    from datetime import timedelta

    from app.common.time import utcnow

    old_fence = await claim(olive, mention_id)
    await expire_due(db, now=utcnow() + timedelta(hours=1))
    await claim(oscar, mention_id)
    before = await last_seq(producer, event_id)
    response = await olive.post(reply_url(mention_id), json={"text": "Me!", "fence": old_fence})
    assert response.status_code == 409
    assert "Oscar took it" in response.json()["detail"]
    mention = (await producer.get(f"/api/mentions/{mention_id}")).json()
    assert mention["state"] == "claimed"
    assert mention["claim"]["holder"]["username"] == "oscar"
    assert (await producer.get(f"/api/mentions/{mention_id}/replies")).json()["replies"] == []
    assert await last_seq(producer, event_id) == before


async def test_someone_who_does_not_hold_the_mention_cannot_reply(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    response = await oscar.post(reply_url(mention_id), json={"text": "Hi", "fence": fence})
    assert response.status_code == 409
    assert "Olive" in response.json()["detail"]


async def test_too_long_a_reply_is_refused_saying_by_how_much_and_changes_nothing(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    before = await last_seq(producer, event_id)
    response = await olive.post(reply_url(mention_id), json={"text": "a" * 291, "fence": fence})
    assert response.status_code == 422
    body = response.json()
    assert body["over_by"] == 11
    assert body["length"] == 291
    assert body["limit"] == 280
    assert body["network"] == "x"
    assert "11 characters over" in body["detail"]
    assert (await producer.get(f"/api/mentions/{mention_id}")).json()["state"] == "claimed"
    assert await last_seq(producer, event_id) == before


async def test_each_network_counts_with_its_own_rules(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    mastodon, bluesky = await ingest(
        producer,
        event_id,
        [
            {**_payload(2), "network": "mastodon"},
            {**_payload(3), "network": "bluesky"},
        ],
    )
    # 400 characters fit Mastodon's 500 but not Bluesky's 300 graphemes.
    text = "b" * 400
    fence = await claim(olive, bluesky)
    refused = await olive.post(reply_url(bluesky), json={"text": text, "fence": fence})
    assert refused.status_code == 422
    assert refused.json()["over_by"] == 100
    fence = await claim(olive, mastodon)
    accepted = await olive.post(reply_url(mastodon), json={"text": text, "fence": fence})
    assert accepted.status_code == 201, accepted.text
    # An emoji family is one grapheme on Bluesky: 300 of them fit (and 1,500+ bytes do too).
    fence_b = (await olive.post(f"/api/mentions/{bluesky}/claim")).json()["fence"]
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    response = await olive.post(reply_url(bluesky), json={"text": family * 100, "fence": fence_b})
    assert response.status_code == 201, response.text


async def test_a_blank_reply_is_refused(olive: httpx.AsyncClient, mention_id: int) -> None:
    fence = await claim(olive, mention_id)
    response = await olive.post(reply_url(mention_id), json={"text": "  \n ", "fence": fence})
    assert response.status_code == 422


async def test_a_mention_is_answered_once(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    first = await olive.post(reply_url(mention_id), json={"text": "One", "fence": fence})
    assert first.status_code == 201
    again = await olive.post(reply_url(mention_id), json={"text": "Two", "fence": fence})
    assert again.status_code == 409
    assert "already replied to" in again.json()["detail"]
    assert len((await producer.get(f"/api/mentions/{mention_id}/replies")).json()["replies"]) == 1


async def test_malformed_reply_requests_get_clear_errors(
    olive: httpx.AsyncClient, mention_id: int
) -> None:
    fence = await claim(olive, mention_id)
    for body in ({"text": "Hi"}, {"fence": fence}, {"text": 5, "fence": fence}, [1], None):
        response = await olive.post(reply_url(mention_id), json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"]
    missing = await olive.post(reply_url(999999), json={"text": "Hi", "fence": 1})
    assert missing.status_code == 404


async def test_a_viewer_cannot_reply(
    client_as: Any, olive: httpx.AsyncClient, mention_id: int
) -> None:
    viewer = await client_as("viewer", "vera")
    fence = await claim(olive, mention_id)
    response = await viewer.post(reply_url(mention_id), json={"text": "Hi", "fence": fence})
    assert response.status_code == 403


def _payload(external_id: int) -> dict[str, Any]:
    from tests.factories import mention_payload

    return mention_payload(external_id)
