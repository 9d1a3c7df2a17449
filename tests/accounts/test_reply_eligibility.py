"""Each mention says whether the desk's account can answer it, and a reply it cannot is
refused with the reason."""

from __future__ import annotations

import httpx

from app.config import Settings
from app.db import Database
from tests.accounts.test_publishing import connect_x
from tests.factories import mention_payload
from tests.fakes.x import FakeX
from tests.replies.conftest import claim
from tests.triage.helpers import ingest


async def test_a_mention_that_does_not_name_the_x_account_says_why_and_cannot_be_answered(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, _ = x
    await connect_x(db, settings)
    blocked, fine = await ingest(
        producer,
        event_id,
        [mention_payload(11), mention_payload(12, text="@cuedesk what a goal #CupFinal")],
    )
    shown = (await producer.get(f"/api/mentions/{blocked}")).json()["reply_eligibility"]
    assert shown["ok"] is False and "mention @cuedesk" in shown["reason"]
    assert (await producer.get(f"/api/mentions/{fine}")).json()["reply_eligibility"] == {
        "ok": True,
        "reason": None,
    }
    fence = await claim(olive, blocked)
    response = await olive.post(
        f"/api/mentions/{blocked}/reply", json={"text": "Thanks!", "fence": fence}
    )
    assert response.status_code == 422
    assert "cannot be answered" in response.json()["detail"]
    assert fake.requests == []


async def test_claim_next_can_skip_what_cannot_be_answered(
    x: tuple[FakeX, str], db: Database, settings: Settings,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    await connect_x(db, settings)
    _blocked, fine = await ingest(
        producer,
        event_id,
        [
            mention_payload(21, author={"handle": "star", "followers": 10**7, "verified": True}),
            mention_payload(22, text="@cuedesk hello"),
        ],
    )
    response = await olive.post(
        f"/api/events/{event_id}/claims/next", params={"answerable_only": "true"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["mention"]["id"] == fine


async def test_sources_that_say_nothing_of_eligibility_ingest_as_before(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    (mention_id,) = await ingest(producer, event_id, [mention_payload(31)])
    shown = (await producer.get(f"/api/mentions/{mention_id}")).json()
    assert shown["reply_eligibility"] == {"ok": True, "reason": None}


async def test_a_mastodon_direct_message_is_marked_unanswerable(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    payload = mention_payload("110000000000000099", network="mastodon", visibility="direct")
    (mention_id,) = await ingest(producer, event_id, [payload])
    shown = (await producer.get(f"/api/mentions/{mention_id}")).json()["reply_eligibility"]
    assert shown["ok"] is False and "direct message" in shown["reason"]
