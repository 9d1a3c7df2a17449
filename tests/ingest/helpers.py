"""Helpers for the ingest tests: events made directly in the database, and waiting."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.db import Database
from app.events import service as events
from app.events.schemas import EventCreate
from app.journal import service as journal
from app.mentions.models import Mention
from app.mentions.schemas import MentionIn
from tests.conftest import make_token


async def make_event(db: Database, **overrides: Any) -> int:
    data = {"name": "Cup Final", "hashtags": ["CupFinal"], **overrides}
    async with db.transaction() as session:
        event = await events.create(session, EventCreate(**data), actor=None)
    assert event.id is not None
    return event.id


def make_mention(n: int, **overrides: Any) -> MentionIn:
    data = {
        "network": "x",
        "external_id": str(1_900_000_000_000_000_000 + n),
        "author": {"handle": f"fan{n % 50}", "name": "A Fan", "followers": n},
        "text": f"Mention number {n} #CupFinal",
        "created_at": datetime.now(UTC),
        **overrides,
    }
    return MentionIn.model_validate(data)


async def count_mentions(db: Database, event_id: int) -> int:
    async with db.read_session() as session:
        result = await session.execute(
            select(func.count()).select_from(Mention).where(Mention.event_id == event_id)  # type: ignore[arg-type]
        )
        return int(result.scalar_one())


async def journal_entries(db: Database, event_id: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    async with db.read_session() as session:
        while True:
            page = await journal.read(session, event_id, after_seq=len(entries), limit=5000)
            if not page:
                return entries
            entries.extend(page)


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 10.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it holds; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def producer_client(app: Any, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``app`` with the API token of a new producer."""
    token = await make_token(db, f"producer-{time.monotonic_ns()}", "producer")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


async def start_source(client: httpx.AsyncClient, event_id: int, **body: Any) -> int:
    response = await client.post(f"/api/events/{event_id}/sources", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def quick(settings: Settings) -> Settings:
    """Short leadership intervals keep the tests quick; the logic does not depend on them."""
    return settings.model_copy(
        update={"sources_reconcile_seconds": 0.1, "sources_leader_retry_seconds": 0.2}
    )
