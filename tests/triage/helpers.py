"""Helpers for the triage tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from app.db import Database
from app.mentions.models import Mention
from tests.factories import mention_payload

# For a test whose behaviour goes through the broker (what an action publishes once it
# commits, the outbox's and the sweeper's work beside it): it runs on the in-memory broker
# and, when CUEDESK_TEST_REDIS_URL is set, on Redis. The others run on the in-memory one.
on_every_broker = pytest.mark.usefixtures("broker_url")


async def ingest(
    client: httpx.AsyncClient, event_id: int, items: list[int | dict[str, Any]]
) -> list[int]:
    """Ingest mentions (external ids, or payloads) and return their ids in the order given."""
    payloads = [mention_payload(i) if isinstance(i, int) else i for i in items]
    response = await client.post(f"/api/events/{event_id}/mentions", json=payloads)
    assert response.status_code == 200, response.text
    listed = await client.get(
        f"/api/events/{event_id}/mentions", params={"order": "asc", "limit": 1000}
    )
    by_external = {(m["network"], m["external_id"]): m["id"] for m in listed.json()["items"]}
    return [by_external[(p["network"], p["external_id"])] for p in payloads]


def unrelated(count: int) -> list[dict[str, Any]]:
    """``count`` mentions that flood collapse keeps apart, so "claim next" offers each of
    them: the factory's texts differ by a digit, near enough to make one group."""
    return [mention_payload(n, text=f"Distinct take {n}") for n in range(1, count + 1)]


async def journal(client: httpx.AsyncClient, event_id: int, after_seq: int = 0) -> list[Any]:
    response = await client.get(
        f"/api/events/{event_id}/journal", params={"after_seq": after_seq, "limit": 5000}
    )
    assert response.status_code == 200, response.text
    entries: list[Any] = response.json()["entries"]
    return entries


async def last_seq(client: httpx.AsyncClient, event_id: int) -> int:
    response = await client.get(f"/api/events/{event_id}/journal", params={"limit": 1})
    return int(response.json()["last_seq"])


async def set_state(db: Database, mention_id: int, state: str) -> None:
    """Put a mention in a state no endpoint of triage sets (``replied``)."""
    async with db.transaction() as session:
        await session.execute(
            update(Mention.__table__)  # type: ignore[attr-defined]
            .where(Mention.__table__.c.id == mention_id)  # type: ignore[attr-defined]
            .values(state=state, claimed_by_id=None, lease_until=None)
        )


def holder(response: httpx.Response) -> Any:
    return response.json()["holder"]
