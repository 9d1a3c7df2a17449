"""A network's deletes and edits mark the stored mention once; nothing is erased."""

from __future__ import annotations

from datetime import UTC, datetime

from app.db import Database
from app.mentions import changes
from app.mentions import service as mentions
from tests.ingest.helpers import journal_entries, make_event, make_mention

AT = datetime(2026, 12, 1, 20, 5, tzinfo=UTC)


async def store_one(db: Database) -> tuple[int, str]:
    event_id = await make_event(db)
    item = make_mention(1)
    async with db.transaction() as session:
        await mentions.ingest(session, event_id, [item])
    return event_id, item.external_id


async def apply(db: Database, event_id: int, *items: changes.PostChange) -> int:
    async with db.transaction() as session:
        return await changes.apply(session, event_id, list(items))


async def test_an_edit_delivered_twice_is_journaled_once(db: Database) -> None:
    event_id, external_id = await store_one(db)
    edit = changes.PostChange("x", external_id, AT, text="Edited #CupFinal")

    assert await apply(db, event_id, edit) == 1
    assert await apply(db, event_id, edit) == 0
    edited = [e for e in await journal_entries(db, event_id) if e["type"] == "mention.edited"]
    assert [e["data"]["text"] for e in edited] == ["Edited #CupFinal"]
    assert edited[0]["data"]["edited_at"] == "2026-12-01T20:05:00.000Z"


async def test_a_delete_marks_once_and_one_for_an_unknown_post_writes_nothing(
    db: Database,
) -> None:
    event_id, external_id = await store_one(db)

    assert await apply(db, event_id, changes.PostChange("x", "never-seen", AT)) == 0
    assert await apply(db, event_id, changes.PostChange("x", external_id, AT)) == 1
    assert await apply(db, event_id, changes.PostChange("x", external_id, AT)) == 0
    types = [e["type"] for e in await journal_entries(db, event_id)]
    assert types.count("mention.deleted") == 1
