from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.db import Database
from app.journal import service as journal
from tests.factories import mention_payload


async def test_twenty_concurrent_writers_get_gap_free_seq(
    event_id: int, database_url: str, producer: httpx.AsyncClient
) -> None:
    """Twenty writers, each with its own engine (as separate processes would have), append
    ten entries each at once: seq runs 1..N with no gap and no duplicate."""
    databases = [Database(database_url) for _ in range(20)]

    async def writer(number: int, db: Database) -> None:
        for step in range(10):
            async with db.transaction() as session:
                await journal.append(session, event_id, "test.written", {"w": number, "s": step})

    try:
        await asyncio.gather(*(writer(n, db) for n, db in enumerate(databases)))
    finally:
        for db in databases:
            await db.dispose()
    body = (await producer.get(f"/api/events/{event_id}/journal", params={"limit": 5000})).json()
    seqs = [entry["seq"] for entry in body["entries"]]
    assert seqs == list(range(1, 202))  # event.created + 200
    assert body["last_seq"] == 201
    written = {(e["data"]["w"], e["data"]["s"]) for e in body["entries"][1:]}
    assert len(written) == 200


async def test_a_rolled_back_write_leaves_no_gap_and_publishes_nothing(
    event_id: int, database_url: str
) -> None:
    published: list[dict[str, Any]] = []

    def publisher(entries: list[dict[str, Any]]) -> None:
        published.extend(entries)

    db = Database(database_url, publisher=publisher)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await journal.append(session, event_id, "test.doomed", {})
                raise RuntimeError("the request failed after writing")
        assert published == []
        async with db.transaction() as session:
            entry = await journal.append(session, event_id, "test.kept", {})
        assert entry["seq"] == 2
        assert [e["seq"] for e in published] == [2]
        assert published[0]["event_id"] == event_id
    finally:
        await db.dispose()


async def test_entries_are_published_only_after_commit(event_id: int, database_url: str) -> None:
    seen_during_transaction: list[int] = []
    published: list[dict[str, Any]] = []

    def publisher(entries: list[dict[str, Any]]) -> None:
        published.extend(entries)

    db = Database(database_url, publisher=publisher)
    try:
        async with db.transaction() as session:
            await journal.append(session, event_id, "test.one", {})
            seen_during_transaction.append(len(published))
        assert seen_during_transaction == [0]
        assert [e["type"] for e in published] == ["test.one"]
    finally:
        await db.dispose()


async def test_journal_entry_has_the_public_format(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    entry = (await producer.get(f"/api/events/{event_id}/journal")).json()["entries"][0]
    assert set(entry) == {"seq", "type", "at", "actor", "data"}
    assert entry["seq"] == 1
    assert entry["type"] == "event.created"
    assert entry["actor"] == "pat"
    assert entry["at"].endswith("Z") and len(entry["at"]) == len("2026-02-08T23:41:05.123Z")
    assert entry["data"]["name"] == "Cup Final"


async def test_journal_pages_with_after_seq_and_limit(
    producer: httpx.AsyncClient, event_id: int
) -> None:
    await producer.post(
        f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in range(10)]
    )
    url = f"/api/events/{event_id}/journal"
    page = (await producer.get(url, params={"after_seq": 3, "limit": 4})).json()
    assert [e["seq"] for e in page["entries"]] == [4, 5, 6, 7]
    assert page["last_seq"] == 11
    tail = (await producer.get(url, params={"after_seq": 11})).json()
    assert tail["entries"] == []


async def test_journal_refuses_bad_parameters(producer: httpx.AsyncClient, event_id: int) -> None:
    url = f"/api/events/{event_id}/journal"
    for params in ({"after_seq": -1}, {"limit": 0}, {"limit": 100000}, {"after_seq": "x"}):
        assert (await producer.get(url, params=params)).status_code == 422, params
    assert (await producer.get("/api/events/999/journal")).status_code == 404
