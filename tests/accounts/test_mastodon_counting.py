"""A Mastodon server may allow more than 500 characters: once the event's Mastodon account is
connected (or tested), replies, quick posts and drafts are counted as its server counts,
and until then as CUEDESK_MASTODON_MAX_CHARACTERS says."""

from __future__ import annotations

import httpx

from tests.factories import mention_payload
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.replies.conftest import claim
from tests.triage.helpers import ingest

LONG = "a" * 700


async def connect_tested(admin: httpx.AsyncClient, server_url: str) -> None:
    response = await admin.post(
        "/api/accounts",
        json={"network": "mastodon", "server_url": server_url, "access_token": TOKEN},
    )
    assert response.status_code == 201, response.text
    tested = await admin.post(f"/api/accounts/{response.json()['id']}/test")
    assert tested.json()["ok"] is True, tested.text


async def quick_post(client: httpx.AsyncClient, event_id: int, text: str) -> httpx.Response:
    return await client.post(
        f"/api/events/{event_id}/quick-posts", json={"texts": {"mastodon": text}}
    )


async def test_a_700_character_quick_post_fits_a_1000_character_server_only(
    admin: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int,
    mastodon: tuple[FakeMastodon, str],
) -> None:  # fmt: skip
    fake, url = mastodon
    refused = await quick_post(olive, event_id, LONG)
    assert refused.status_code == 422
    assert refused.json()["limit"] == 500 and refused.json()["over_by"] == 200
    fake.max_characters = 1000
    await connect_tested(admin, url)
    accepted = await quick_post(olive, event_id, LONG)
    assert accepted.status_code == 201, accepted.text


async def test_a_700_character_reply_fits_a_1000_character_server_only(
    admin: httpx.AsyncClient, olive: httpx.AsyncClient, producer: httpx.AsyncClient,
    event_id: int, mastodon: tuple[FakeMastodon, str],
) -> None:  # fmt: skip
    fake, url = mastodon
    mentions = [mention_payload(f"11000000000000000{n}", network="mastodon") for n in (1, 2)]
    first, second = await ingest(producer, event_id, mentions)
    fence = await claim(olive, first)
    refused = await olive.post(f"/api/mentions/{first}/reply", json={"text": LONG, "fence": fence})
    assert refused.status_code == 422
    assert "200 characters over Mastodon's limit of 500" in refused.json()["detail"]
    fake.max_characters = 1000
    await connect_tested(admin, url)
    fence = await claim(olive, second)
    accepted = await olive.post(
        f"/api/mentions/{second}/reply", json={"text": LONG, "fence": fence}
    )
    assert accepted.status_code == 201, accepted.text


async def test_a_draft_is_counted_as_the_events_server_counts(
    admin: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int,
    mastodon: tuple[FakeMastodon, str],
) -> None:  # fmt: skip
    fake, url = mastodon
    draft = {"title": "Long", "content": {"posts": [{"texts": {"mastodon": LONG}}]}}
    refused = await olive.post(f"/api/events/{event_id}/drafts", json=draft)
    assert refused.status_code == 422 and refused.json()["limit"] == 500
    fake.max_characters = 1000
    await connect_tested(admin, url)
    accepted = await olive.post(f"/api/events/{event_id}/drafts", json=draft)
    assert accepted.status_code == 201, accepted.text


async def test_the_servers_url_length_is_what_a_link_counts(
    admin: httpx.AsyncClient, olive: httpx.AsyncClient, event_id: int,
    mastodon: tuple[FakeMastodon, str],
) -> None:  # fmt: skip
    fake, url = mastodon
    fake.max_characters, fake.characters_reserved_per_url = 100, 50
    await connect_tested(admin, url)
    # 60 letters, a space and a link: 23 by default would fit, 50 does not.
    refused = await quick_post(olive, event_id, "a" * 60 + " https://example.com/x")
    assert refused.status_code == 422
    assert refused.json()["length"] == 111
    assert "(URLs count 50 each)" in refused.json()["detail"]
