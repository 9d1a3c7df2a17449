"""The batcher: batches, no loss, back-pressure, retries, and what it gives up on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.ingest.batcher import Batcher
from app.mentions import service as mentions_service
from app.mentions.schemas import MentionIn
from tests.ingest.helpers import count_mentions, journal_entries, make_event, make_mention


class RecordingIngest:
    """The real ingest, recording each call's size; can fail some calls first."""

    def __init__(self, fail_first: int = 0, poison: str | None = None) -> None:
        self.sizes: list[int] = []
        self.fail_first = fail_first
        self.poison = poison

    async def __call__(
        self,
        session: AsyncSession,
        event_id: int,
        items: Sequence[MentionIn],
        *,
        source_id: int | None = None,
    ) -> Any:
        self.sizes.append(len(items))
        if self.fail_first > 0:
            self.fail_first -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        if any(item.external_id == self.poison for item in items):
            raise ValueError("this mention cannot be stored")
        return await mentions_service.ingest(session, event_id, items, source_id=source_id)


def make_batcher(db: Database, **overrides: Any) -> Batcher:
    options: dict[str, Any] = {
        "batch_size": 1000,
        "max_delay_ms": 5,
        "queue_size": 10_000,
        "retry_delay": 0.001,
        **overrides,
    }
    return Batcher(db, **options)


async def test_mentions_are_written_in_batches(db: Database) -> None:
    event_id = await make_event(db)
    ingest = RecordingIngest()
    batcher = make_batcher(db, ingest=ingest)
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(2500)])

    batcher.start()
    await batcher.stop()

    assert ingest.sizes == [1000, 1000, 500]
    assert await count_mentions(db, event_id) == 2500


async def test_stop_writes_everything_queued_in_order_without_gaps(db: Database) -> None:
    event_id = await make_event(db)
    # A long delay: without the flush on stop, the last batch would still be waiting.
    batcher = make_batcher(db, batch_size=300, max_delay_ms=1000)
    batcher.start()
    for start in range(0, 1200, 100):
        await batcher.put_many(event_id, None, [make_mention(n) for n in range(start, start + 100)])

    await batcher.stop()

    entries = await journal_entries(db, event_id)
    assert [entry["seq"] for entry in entries] == list(range(1, 1202))
    received = [e["data"]["external_id"] for e in entries if e["type"] == "mention.received"]
    assert received == [make_mention(n).external_id for n in range(1200)]
    assert batcher.pending == 0


async def test_each_source_is_written_with_its_id(db: Database) -> None:
    event_id = await make_event(db)
    ingest = RecordingIngest()
    batcher = make_batcher(db, ingest=ingest)
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(10)])
    await batcher.put_many(event_id, 7, [make_mention(n) for n in range(10, 15)])

    batcher.start()
    await batcher.stop()

    assert sorted(ingest.sizes) == [5, 10]


async def test_put_waits_while_the_queue_is_full(db: Database) -> None:
    event_id = await make_event(db)
    batcher = make_batcher(db, queue_size=100)
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(100)])

    blocked = asyncio.create_task(batcher.put_many(event_id, None, [make_mention(100)]))
    await asyncio.sleep(0.05)
    assert not blocked.done()

    batcher.start()
    await asyncio.wait_for(blocked, timeout=10)
    await batcher.stop()
    assert await count_mentions(db, event_id) == 101


async def test_flush_waits_for_what_was_queued(db: Database) -> None:
    event_id = await make_event(db)
    batcher = make_batcher(db, max_delay_ms=200)
    batcher.start()
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(50)])

    await batcher.flush()

    assert await count_mentions(db, event_id) == 50
    await batcher.stop()


async def test_a_failed_write_is_retried(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    event_id = await make_event(db)
    ingest = RecordingIngest(fail_first=2)
    batcher = make_batcher(db, ingest=ingest)
    batcher.start()
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(20)])

    with caplog.at_level(logging.WARNING, logger="app.ingest.batcher"):
        await batcher.stop()

    assert ingest.sizes == [20, 20, 20]
    assert await count_mentions(db, event_id) == 20
    assert f"writing 20 mentions for event {event_id}" in caplog.text


async def test_one_mention_that_cannot_be_stored_does_not_hold_back_the_rest(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    event_id = await make_event(db)
    bad = make_mention(5)
    batcher = make_batcher(db, ingest=RecordingIngest(poison=bad.external_id))
    batcher.start()
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(16)])

    with caplog.at_level(logging.ERROR, logger="app.ingest.batcher"):
        await batcher.stop()

    assert await count_mentions(db, event_id) == 15
    assert f"dropping mention x:{bad.external_id} for event {event_id}" in caplog.text


async def test_mentions_of_a_deleted_event_are_dropped_with_an_error(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    gone: list[int] = []

    async def on_missing_event(event_id: int) -> None:
        gone.append(event_id)

    batcher = make_batcher(db, on_missing_event=on_missing_event)
    batcher.start()
    await batcher.put_many(4242, 3, [make_mention(n) for n in range(5)])

    with caplog.at_level(logging.ERROR, logger="app.ingest.batcher"):
        await batcher.stop()

    assert gone == [4242]
    assert "event 4242 no longer exists: dropping 5 mentions from source 3" in caplog.text


async def test_a_stopped_batcher_refuses_mentions(db: Database) -> None:
    batcher = make_batcher(db)
    batcher.start()
    await batcher.stop()

    with pytest.raises(RuntimeError, match="stopped"):
        await batcher.put_many(1, None, [make_mention(1)])


async def test_stop_writes_what_was_queued_even_if_the_writer_never_started(db: Database) -> None:
    event_id = await make_event(db)
    batcher = make_batcher(db)
    await batcher.put_many(event_id, None, [make_mention(n) for n in range(30)])

    await batcher.stop()

    assert await count_mentions(db, event_id) == 30
