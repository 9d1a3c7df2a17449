from __future__ import annotations

from typing import Any

import httpx

from tests.triage.helpers import ingest, journal, last_seq, on_every_broker


@on_every_broker
async def test_every_triage_action_is_journaled_in_order(
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    app: Any,
) -> None:
    first, second = await ingest(producer, event_id, [1, 2])
    start = await last_seq(producer, event_id)
    mention = f"/api/mentions/{first}"
    app.state.settings.claim_lease_seconds = 30
    steps: list[tuple[httpx.AsyncClient, str, str, Any]] = [
        (olive, "POST", f"{mention}/claim", None),
        (olive, "POST", f"{mention}/tags", {"tag": "complaint"}),
        (olive, "POST", f"{mention}/flag", {"reason": "angry"}),
        (olive, "POST", f"{mention}/notes", {"text": "Calling back"}),
        (olive, "POST", f"{mention}/renew", {"fence": 1, "draft": "Sorry!"}),
        (olive, "DELETE", f"{mention}/tags/complaint", None),
        (producer, "DELETE", f"{mention}/flag", None),
        (olive, "POST", f"{mention}/release", {"fence": 1}),
        (oscar, "POST", f"/api/events/{event_id}/claims/next", None),
        (producer, "POST", f"{mention}/claim", {"take_over": True}),
        (producer, "POST", f"{mention}/dismiss", {"fence": 3, "reason": "handled by phone"}),
        (producer, "PUT", f"/api/events/{event_id}/vips", {"vips": ["fan2"]}),
        (producer, "PUT", f"/api/events/{event_id}/vips", {"vips": []}),
    ]
    for client, method, url, body in steps:
        if url.endswith("/renew"):
            app.state.settings.claim_lease_seconds = 90  # the lease end moves: journaled
        response = await client.request(method, url, json=body)
        assert response.status_code in (200, 201), (url, response.text)
    entries = await journal(producer, event_id, after_seq=start)
    assert [(e["type"], e["actor"]) for e in entries] == [
        ("mention.claimed", "olive"),
        ("mention.tagged", "olive"),
        ("mention.flagged", "olive"),
        ("mention.noted", "olive"),
        ("mention.renewed", "olive"),
        ("mention.untagged", "olive"),
        ("mention.unflagged", "pat"),
        ("mention.released", "olive"),
        ("mention.claimed", "oscar"),
        ("mention.claimed", "pat"),
        ("mention.dismissed", "pat"),
        ("event.vip_added", "pat"),
        ("event.vip_removed", "pat"),
    ]
    assert [e["seq"] for e in entries] == list(range(start + 1, start + 1 + len(entries)))
    assert all(e["data"].get("mention_id") == first for e in entries[:8])
    # Claim next took the first mention again (both are alike; the older goes first).
    assert entries[8]["data"]["mention_id"] == first
    assert entries[9]["data"]["taken_over_from"]["username"] == "oscar"
    assert entries[11]["data"]["mention_ids"] == [second]
