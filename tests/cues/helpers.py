"""Helpers for the cue and post tests."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from app.common.time import isoformat_z, utcnow
from app.db import Database
from app.events.models import Event
from tests.factories import insert_draft
from tests.triage.helpers import journal


def later(seconds: float) -> str:
    return isoformat_z(utcnow() + timedelta(seconds=seconds))


async def add_cue(client: httpx.AsyncClient, event_id: int, **body: Any) -> dict[str, Any]:
    body.setdefault("title", "Kickoff")
    response = await client.post(f"/api/events/{event_id}/cues", json=body)
    assert response.status_code == 201, response.text
    cue: dict[str, Any] = response.json()
    return cue


async def add_drafts(
    db: Database, event_id: int, cue_id: int | None, count: int = 1, **overrides: Any
) -> list[int]:
    async with db.transaction() as session:
        return [
            await insert_draft(session, event_id, cue=cue_id, position=n, **overrides)
            for n in range(count)
        ]


async def set_event(db: Database, event_id: int, **values: Any) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Event.__table__)  # type: ignore[attr-defined]
            .where(Event.__table__.c.id == event_id)  # type: ignore[attr-defined]
            .values(**values)
        )


async def entries(client: httpx.AsyncClient, event_id: int, kind: str) -> list[dict[str, Any]]:
    return [e for e in await journal(client, event_id) if e["type"] == kind]


async def wait_for(
    client: httpx.AsyncClient, event_id: int, kind: str, *, count: int = 1, timeout: float = 10
) -> list[dict[str, Any]]:
    """The journal entries of type ``kind`` once there are ``count`` of them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await entries(client, event_id, kind)
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            types = [e["type"] for e in await journal(client, event_id)]
            raise AssertionError(f"fewer than {count} {kind} within {timeout}s; journal: {types}")
        await asyncio.sleep(0.02)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
