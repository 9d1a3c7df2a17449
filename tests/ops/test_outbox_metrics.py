"""The outbox in ``/metrics``: a reply the network refused shows as failed until retried."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from tests.factories import mention_payload
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.ops.helpers import scrape, scrape_until
from tests.replies.conftest import claim, wait_for_entry
from tests.triage.helpers import ingest


@pytest.fixture
def settings(settings: Settings, mastodon: tuple[FakeMastodon, str]) -> Settings:
    settings.publish_mastodon_url = mastodon[1]
    settings.publish_mastodon_token = TOKEN
    settings.publish_poll_seconds = 0.05
    return settings


async def test_a_refused_reply_shows_as_failed_and_leaves_it_when_retried(
    mastodon: tuple[FakeMastodon, str],
    anon: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    mastodon[0].plan = ["422"]
    (mention_id,) = await ingest(
        producer, event_id, [mention_payload("110000000000000042", network="mastodon")]
    )
    fence = await claim(olive, mention_id)
    response = await olive.post(
        f"/api/mentions/{mention_id}/reply", json={"text": "Thanks!", "fence": fence}
    )
    assert response.status_code == 201, response.text
    await wait_for_entry(producer, event_id, "reply.failed")

    failed = await scrape(anon)
    assert failed.value("cuedesk_outbox_replies", status="failed") == 1
    assert failed.value("cuedesk_outbox_replies", status="queued") == 0

    retried = await olive.post(f"/api/replies/{response.json()['id']}/retry")
    assert retried.status_code == 200, retried.text
    await wait_for_entry(producer, event_id, "reply.published")
    await scrape_until(
        anon,
        lambda s: s.value("cuedesk_outbox_replies", status="failed") == 0,
        what="the retried reply leaving the failed count",
    )
