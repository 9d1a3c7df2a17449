from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.triage.helpers import ingest, journal, last_seq, on_every_broker, set_state


def claim_url(mention_id: int) -> str:
    return f"/api/mentions/{mention_id}/claim"


async def test_a_claim_gives_a_lease_and_a_fence_and_is_journaled(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    response = await olive.post(claim_url(mention_id))
    assert response.status_code == 200, response.text
    grant = response.json()
    assert grant["holder"] == {"username": "olive", "display_name": "Olive"}
    assert grant["fence"] == 1
    assert grant["draft"] is None
    assert grant["mention"]["state"] == "claimed"
    assert grant["mention"]["claim"] == {
        "holder": grant["holder"],
        "lease_until": grant["lease_until"],
        "fence": 1,
    }
    # Everyone sees the holder, in the feed and on the mention.
    feed = (await producer.get(f"/api/events/{event_id}/mentions")).json()["items"]
    assert feed[0]["claim"]["holder"]["username"] == "olive"
    entry = (await journal(producer, event_id))[-1]
    assert entry["type"] == "mention.claimed"
    assert entry["actor"] == "olive"
    assert entry["data"] == {
        "mention_id": mention_id,
        "holder": {"username": "olive", "display_name": "Olive"},
        "fence": 1,
        "lease_until": grant["lease_until"],
    }


async def test_the_loser_gets_409_naming_the_holder_and_lease_end(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
) -> None:
    grant = (await olive.post(claim_url(mention_id))).json()
    before = await last_seq(producer, event_id)
    response = await oscar.post(claim_url(mention_id))
    assert response.status_code == 409
    body = response.json()
    assert body["holder"] == {"username": "olive", "display_name": "Olive"}
    assert body["lease_until"] == grant["lease_until"]
    clock = grant["lease_until"][11:19]
    assert body["detail"] == f"Mention {mention_id} is held by Olive until {clock} UTC."
    assert await last_seq(producer, event_id) == before  # a refusal journals nothing


async def test_fifty_concurrent_http_claimers_one_winner(
    client_as: Any, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    operators = [await client_as("operator", f"op{n}") for n in range(50)]
    responses = await asyncio.gather(*(op.post(claim_url(mention_id)) for op in operators))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 49
    (winner,) = [r.json() for r in responses if r.status_code == 200]
    for response in responses:
        if response.status_code == 409:
            assert response.json()["holder"] == winner["holder"]
    claimed = [e for e in await journal(producer, event_id) if e["type"] == "mention.claimed"]
    assert len(claimed) == 1
    assert claimed[0]["data"]["holder"] == winner["holder"]


async def test_the_holder_claiming_again_gets_the_same_claim_back(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    first = (await olive.post(claim_url(mention_id))).json()
    await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1, "draft": "Hi!"})
    again = await olive.post(claim_url(mention_id))
    assert again.status_code == 200
    assert again.json()["fence"] == first["fence"]
    assert again.json()["draft"] == "Hi!"  # a reloaded console gets its draft back
    claimed = [e for e in await journal(producer, event_id) if e["type"] == "mention.claimed"]
    assert len(claimed) == 1


async def test_an_operator_may_hold_several_claims_and_list_them(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
) -> None:
    first, second, third = await ingest(producer, event_id, [1, 2, 3])
    for mention_id in (first, second):
        assert (await olive.post(claim_url(mention_id))).status_code == 200
    assert (await oscar.post(claim_url(third))).status_code == 200
    await olive.post(f"/api/mentions/{second}/renew", json={"fence": 1, "draft": "Thanks!"})
    mine = (await olive.get(f"/api/events/{event_id}/claims/mine")).json()["claims"]
    assert [c["mention"]["id"] for c in mine] == [first, second]
    assert [c["draft"] for c in mine] == [None, "Thanks!"]
    assert all(c["fence"] == 1 for c in mine)
    assert (await olive.get("/api/events/999/claims/mine")).status_code == 404


async def test_the_draft_stays_with_the_claim_and_out_of_the_public_views(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    await olive.post(claim_url(mention_id))
    secret = "Sorry about the stream, we are on it"
    renewed = await olive.post(
        f"/api/mentions/{mention_id}/renew", json={"fence": 1, "draft": secret}
    )
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["draft"] == secret
    # Omitting the draft keeps it.
    kept = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert kept.json()["draft"] == secret
    for url in (
        f"/api/mentions/{mention_id}",
        f"/api/events/{event_id}/mentions",
        f"/api/events/{event_id}/journal",
    ):
        assert secret not in (await producer.get(url)).text, url


async def test_renewals_are_journaled_only_when_the_lease_end_moves_by_a_step(
    olive: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
    app: Any,
) -> None:
    settings = app.state.settings
    settings.claim_lease_seconds = 30
    grant = (await olive.post(claim_url(mention_id))).json()
    # Renewing right away would move the end by almost nothing: saved, not journaled.
    quiet = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1, "draft": "a"})
    assert quiet.json()["lease_until"] == grant["lease_until"]
    settings.claim_lease_seconds = 90  # the end now moves by about a minute
    moved = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1, "draft": "ab"})
    assert moved.json()["lease_until"] > grant["lease_until"]
    renewed = [e for e in await journal(producer, event_id) if e["type"] == "mention.renewed"]
    assert len(renewed) == 1
    assert renewed[0]["data"] == {
        "mention_id": mention_id,
        "holder": {"username": "olive", "display_name": "Olive"},
        "fence": 1,
        "lease_until": moved.json()["lease_until"],
    }
    assert (await producer.get(f"/api/mentions/{mention_id}")).json()["claim"][
        "lease_until"
    ] == moved.json()["lease_until"]


async def test_release_puts_the_mention_back_in_the_queue(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
) -> None:
    await olive.post(claim_url(mention_id))
    released = await olive.post(f"/api/mentions/{mention_id}/release", json={"fence": 1})
    assert released.status_code == 200, released.text
    assert released.json()["state"] == "new"
    assert released.json()["claim"] is None
    entry = (await journal(producer, event_id))[-1]
    assert entry["type"] == "mention.released"
    assert entry["data"]["fence"] == 1
    regrab = await oscar.post(claim_url(mention_id))
    assert regrab.json()["fence"] == 2  # fences are never reused
    assert (
        await olive.post(f"/api/mentions/{mention_id}/release", json={"fence": 1})
    ).status_code == 409


async def test_after_expiry_another_operator_claims_and_the_old_fence_is_refused(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, mention_id: int, app: Any
) -> None:
    app.state.settings.claim_lease_seconds = 0.3
    first = (await olive.post(claim_url(mention_id))).json()
    await asyncio.sleep(0.45)
    app.state.settings.claim_lease_seconds = 90
    second = await oscar.post(claim_url(mention_id))
    assert second.status_code == 200, second.text
    assert second.json()["fence"] == first["fence"] + 1
    stale = {"fence": first["fence"]}
    for action, body in (
        ("renew", {**stale, "draft": "late"}),
        ("release", stale),
        ("dismiss", {**stale, "reason": "spam"}),
    ):
        response = await olive.post(f"/api/mentions/{mention_id}/{action}", json=body)
        assert response.status_code == 409, action
        assert response.json()["holder"] == {"username": "oscar", "display_name": "Oscar"}
        assert "has expired or been taken over: Oscar took it" in response.json()["detail"]
    # Oscar's claim is untouched.
    mention = (await oscar.get(f"/api/mentions/{mention_id}")).json()
    assert mention["state"] == "claimed"
    assert mention["claim"]["fence"] == second.json()["fence"]


async def test_an_expired_lease_refuses_its_holder_even_before_the_sweeper_runs(
    olive: httpx.AsyncClient, mention_id: int, app: Any
) -> None:
    app.state.settings.claim_lease_seconds = 0.2
    await olive.post(claim_url(mention_id))
    await asyncio.sleep(0.3)
    response = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert response.status_code == 409
    assert response.json()["detail"].startswith(f"Your claim on mention {mention_id} expired")
    # Claiming again is the way back, with a new fence.
    again = await olive.post(claim_url(mention_id))
    assert again.status_code == 200
    assert again.json()["fence"] == 2


async def test_a_fence_from_an_earlier_claim_of_ones_own_is_refused(
    olive: httpx.AsyncClient, mention_id: int
) -> None:
    await olive.post(claim_url(mention_id))
    await olive.post(f"/api/mentions/{mention_id}/release", json={"fence": 1})
    await olive.post(claim_url(mention_id))
    response = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert response.status_code == 409
    assert response.json()["fence"] == 2
    assert "use fence 2" in response.json()["detail"]


@on_every_broker
async def test_a_producer_takes_over_and_the_journal_names_the_previous_holder(
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    await olive.post(claim_url(mention_id))
    taken = await producer.post(claim_url(mention_id), json={"take_over": True})
    assert taken.status_code == 200, taken.text
    assert taken.json()["holder"]["username"] == "pat"
    assert taken.json()["fence"] == 2
    entry = (await journal(producer, event_id))[-1]
    assert entry["type"] == "mention.claimed"
    assert entry["data"]["taken_over_from"] == {"username": "olive", "display_name": "Olive"}
    refused = await olive.post(f"/api/mentions/{mention_id}/renew", json={"fence": 1})
    assert refused.status_code == 409
    assert refused.json()["holder"]["username"] == "pat"


async def test_a_take_over_of_a_free_mention_is_a_plain_claim(
    producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    taken = await producer.post(claim_url(mention_id), json={"take_over": True})
    assert taken.status_code == 200
    assert "taken_over_from" not in (await journal(producer, event_id))[-1]["data"]


async def test_an_operator_cannot_take_over(
    olive: httpx.AsyncClient, oscar: httpx.AsyncClient, mention_id: int
) -> None:
    await olive.post(claim_url(mention_id))
    response = await oscar.post(claim_url(mention_id), json={"take_over": True})
    assert response.status_code == 403
    assert "producer" in response.json()["detail"]


async def test_a_viewer_cannot_triage(
    client_as: Any, olive: httpx.AsyncClient, mention_id: int, event_id: int
) -> None:
    viewer = await client_as("viewer")
    await olive.post(claim_url(mention_id))
    for url, body in (
        (claim_url(mention_id), None),
        (f"/api/mentions/{mention_id}/renew", {"fence": 1}),
        (f"/api/mentions/{mention_id}/release", {"fence": 1}),
        (f"/api/mentions/{mention_id}/dismiss", {}),
        (f"/api/events/{event_id}/claims/next", None),
        (f"/api/mentions/{mention_id}/tags", {"tag": "x"}),
        (f"/api/mentions/{mention_id}/flag", {}),
        (f"/api/mentions/{mention_id}/notes", {"text": "hi"}),
    ):
        response = await viewer.post(url, json=body)
        assert response.status_code == 403, url
    assert (await viewer.get(f"/api/events/{event_id}/claims/mine")).status_code == 403
    # Reading is fine.
    assert (await viewer.get(f"/api/mentions/{mention_id}")).status_code == 200


@pytest.mark.parametrize("state", ["replied", "dismissed"])
async def test_a_finished_mention_cannot_be_claimed(
    olive: httpx.AsyncClient, mention_id: int, db: Any, state: str
) -> None:
    await set_state(db, mention_id, state)
    response = await olive.post(claim_url(mention_id))
    assert response.status_code == 409
    assert response.json()["state"] == state
    assert "already" in response.json()["detail"]


async def test_unknown_mention_is_404(olive: httpx.AsyncClient) -> None:
    for action, body in (
        ("claim", None),
        ("renew", {"fence": 1}),
        ("release", {"fence": 1}),
        ("dismiss", {}),
    ):
        response = await olive.post(f"/api/mentions/424242/{action}", json=body)
        assert response.status_code == 404, action
        assert response.json()["detail"] == "Mention 424242 does not exist."
    assert (await olive.get("/api/mentions/424242")).status_code == 404


BAD_BODIES: list[tuple[str, str, Any, str]] = [
    ("renew", "no fence", {}, "fence: Field required"),
    ("renew", "fence zero", {"fence": 0}, "fence: Input should be greater than or equal to 1"),
    ("renew", "fence text", {"fence": "one"}, "fence: Input should be a valid integer"),
    ("renew", "draft too long", {"fence": 1, "draft": "x" * 10001}, "draft: String should have"),
    ("renew", "unknown field", {"fence": 1, "lease": 5}, "lease: Extra inputs"),
    ("release", "no fence", {}, "fence: Field required"),
    ("claim", "take_over not a bool", {"take_over": "please"}, "take_over: Input should be"),
    ("dismiss", "reason too long", {"reason": "x" * 501}, "reason: String should have"),
]


@pytest.mark.parametrize(
    ("action", "case", "body", "message"), BAD_BODIES, ids=[b[1] for b in BAD_BODIES]
)
async def test_bad_input_is_422_with_a_clear_message(
    olive: httpx.AsyncClient, mention_id: int, action: str, case: str, body: Any, message: str
) -> None:
    await olive.post(claim_url(mention_id))
    response = await olive.post(f"/api/mentions/{mention_id}/{action}", json=body)
    assert response.status_code == 422, case
    messages = [error["message"] for error in response.json()["errors"]]
    assert any(m.startswith(message) for m in messages), messages
