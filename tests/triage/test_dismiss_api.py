from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.triage.helpers import journal, on_every_broker, set_state


def dismiss_url(mention_id: int) -> str:
    return f"/api/mentions/{mention_id}/dismiss"


async def test_an_operator_dismisses_a_free_mention(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    response = await olive.post(dismiss_url(mention_id), json={"reason": "spam"})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "dismissed"
    entry = (await journal(producer, event_id))[-1]
    assert entry["type"] == "mention.dismissed"
    assert entry["actor"] == "olive"
    assert entry["data"] == {"mention_id": mention_id, "reason": "spam", "ended_claim": None}


async def test_the_holder_dismisses_with_or_without_the_fence(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int
) -> None:
    from tests.triage.helpers import ingest

    first, second = await ingest(producer, event_id, [1, 2])
    for mention_id in (first, second):
        await olive.post(f"/api/mentions/{mention_id}/claim")
    assert (await olive.post(dismiss_url(first), json={"fence": 1})).status_code == 200
    assert (await olive.post(dismiss_url(second))).status_code == 200
    dismissed = [e for e in await journal(producer, event_id) if e["type"] == "mention.dismissed"]
    assert [e["data"]["ended_claim"] for e in dismissed] == [
        {"holder": {"username": "olive", "display_name": "Olive"}, "fence": 1}
    ] * 2
    assert (await olive.get(f"/api/events/{event_id}/claims/mine")).json()["claims"] == []


async def test_an_operator_cannot_dismiss_someone_elses_live_claim(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, mention_id: int
) -> None:
    await olive.post(f"/api/mentions/{mention_id}/claim")
    response = await oscar.post(dismiss_url(mention_id), json={"reason": "dupe"})
    assert response.status_code == 409
    assert response.json()["holder"]["username"] == "olive"
    assert "Only they or a producer can dismiss it." in response.json()["detail"]


async def test_an_operator_may_dismiss_when_the_claim_has_lapsed(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, mention_id: int, app: Any
) -> None:
    app.state.settings.claim_lease_seconds = 0.2
    await olive.post(f"/api/mentions/{mention_id}/claim")
    await asyncio.sleep(0.3)
    response = await oscar.post(dismiss_url(mention_id))
    assert response.status_code == 200, response.text


@on_every_broker
async def test_a_producer_dismisses_over_a_live_claim_and_the_holder_is_told(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    await olive.post(f"/api/mentions/{mention_id}/claim")
    response = await producer.post(dismiss_url(mention_id), json={"reason": "off topic"})
    assert response.status_code == 200, response.text
    entry = (await journal(producer, event_id))[-1]
    assert entry["data"]["ended_claim"]["holder"]["username"] == "olive"
    late = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert late.status_code == 409
    assert late.json()["detail"] == (
        f"Mention {mention_id} was already dismissed; there is nothing left to do on it."
    )


async def test_a_stale_fence_is_refused_even_for_a_producer(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, mention_id: int
) -> None:
    await olive.post(f"/api/mentions/{mention_id}/claim")
    response = await producer.post(dismiss_url(mention_id), json={"fence": 1})
    assert response.status_code == 409
    assert response.json()["holder"]["username"] == "olive"


async def test_dismissing_a_finished_mention_is_409(
    olive: httpx.AsyncClient, db: Any, producer: httpx.AsyncClient, event_id: int
) -> None:
    from tests.triage.helpers import ingest

    dismissed, replied = await ingest(producer, event_id, [1, 2])
    await olive.post(dismiss_url(dismissed))
    await set_state(db, replied, "replied")
    again = await olive.post(dismiss_url(dismissed))
    assert again.status_code == 409
    assert "already dismissed" in again.json()["detail"]
    answered = await producer.post(dismiss_url(replied))
    assert answered.status_code == 409
    assert "already replied to" in answered.json()["detail"]
