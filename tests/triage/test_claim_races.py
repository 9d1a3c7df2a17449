"""Claim races between engines, as separate server processes would run them, and the fence
check that replies rely on."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.common.errors import Conflict
from app.db import Database
from app.journal import service as journal_service
from app.triage import claims, lifecycle
from tests.conftest import make_user
from tests.triage.helpers import ingest, journal, unrelated


async def test_claimers_on_separate_engines_one_winner(
    database_url: str, db: Database, producer: httpx.AsyncClient, event_id: int, mention_id: int
) -> None:
    users = [await make_user(db, f"proc{n}") for n in range(12)]
    databases = [Database(database_url) for _ in users]

    async def attempt(database: Database, user: Any) -> int | None:
        try:
            async with database.transaction() as session:
                grant = await claims.claim(session, mention_id, user, lease_seconds=90)
        except Conflict:
            return None
        return int(grant["fence"])

    try:
        results = await asyncio.gather(
            *(attempt(d, u) for d, u in zip(databases, users, strict=True))
        )
    finally:
        for database in databases:
            await database.dispose()
    assert [fence for fence in results if fence is not None] == [1]
    claimed = [e for e in await journal(producer, event_id) if e["type"] == "mention.claimed"]
    assert len(claimed) == 1


async def test_claim_next_on_separate_engines_hands_out_distinct_mentions(
    database_url: str, db: Database, producer: httpx.AsyncClient, event_id: int
) -> None:
    ids = await ingest(producer, event_id, unrelated(6))
    users = [await make_user(db, f"next{n}") for n in range(8)]
    databases = [Database(database_url) for _ in users]

    async def attempt(database: Database, user: Any) -> int | None:
        try:
            async with database.transaction() as session:
                grant = await claims.claim_next(session, event_id, user, lease_seconds=90)
        except Exception as exc:  # the two left over find the queue empty
            assert getattr(exc, "status_code", None) == 404
            return None
        return int(grant["mention"]["id"])

    try:
        results = await asyncio.gather(
            *(attempt(d, u) for d, u in zip(databases, users, strict=True))
        )
    finally:
        for database in databases:
            await database.dispose()
    won = [r for r in results if r is not None]
    assert sorted(won) == sorted(ids)
    assert results.count(None) == 2


async def test_check_fence_accepts_the_holder_only(
    db: Database,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
) -> None:
    from sqlalchemy import select
    from sqlmodel import col

    from app.auth.models import User

    await olive.post(f"/api/mentions/{mention_id}/claim")
    async with db.transaction() as session:  # commits without expiring the users read
        olive_user, oscar_user = (
            await session.execute(
                select(User)
                .where(col(User.username).in_(["olive", "oscar"]))
                .order_by(col(User.username))
            )
        ).scalars()
    async with db.transaction() as session:
        await journal_service.lock_counter(session, event_id)
        mention = await lifecycle.check_fence(session, mention_id, olive_user, 1)
        assert mention.id == mention_id
        assert mention.claimed_by_id == olive_user.id
        assert mention.claim_fence == 1
    for user, fence in ((olive_user, 2), (oscar_user, 1)):
        with pytest.raises(Conflict) as refused:
            async with db.transaction() as session:
                await lifecycle.check_fence(session, mention_id, user, fence)
        assert refused.value.status_code == 409
    await olive.post(f"/api/mentions/{mention_id}/release", json={"fence": 1})
    with pytest.raises(Conflict, match="has expired; claim it again"):
        async with db.transaction() as session:
            await lifecycle.check_fence(session, mention_id, olive_user, 1)
