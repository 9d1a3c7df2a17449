"""What the networks say happened to a post after it arrived: deleted, or edited.

Nothing is erased: a deleted mention keeps its text and is marked (``deleted_at``); an
edited one takes the new text and is marked (``edited_at``). Each change is journaled
(``mention.deleted`` / ``mention.edited``) so consoles and replays follow it. A change for
a post this event never stored, or one already applied (a network delivers twice), is
skipped without an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.time import isoformat_z
from app.journal import service as journal
from app.journal.service import NewEntry
from app.mentions.models import Mention

mention_table = Mention.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PostChange:
    """``text`` None: deleted at ``at``; otherwise edited to ``text`` at ``at``."""

    network: str
    external_id: str
    at: datetime
    text: str | None = None


async def apply(session: AsyncSession, event_id: int, changes: list[PostChange]) -> int:
    """Mark the event's mentions the changes are about; answers how many entries it wrote."""
    last_seq = await journal.lock_counter(session, event_id)
    entries: list[NewEntry] = []
    for change in changes:
        row = (
            await session.execute(
                select(
                    mention_table.c.id,
                    mention_table.c.text,
                    mention_table.c.deleted_at,
                    mention_table.c.edited_at,
                ).where(
                    mention_table.c.event_id == event_id,
                    mention_table.c.network == change.network,
                    mention_table.c.external_id == change.external_id,
                )
            )
        ).first()
        if row is None:
            continue
        entry = _mark(row, change)
        if entry is None:
            continue
        marked, new_entry = entry
        # Named columns only: a network's change never touches the mention's state or claim
        # (the triage lifecycle owns those; tests/triage/test_lifecycle_owner.py).
        await session.execute(
            update(mention_table)
            .where(mention_table.c.id == row.id)
            .values(
                deleted_at=marked.get("deleted_at", mention_table.c.deleted_at),
                text=marked.get("text", mention_table.c.text),
                edited_at=marked.get("edited_at", mention_table.c.edited_at),
            )
        )
        entries.append(new_entry)
    if entries:
        await journal.write(session, event_id, last_seq, entries)
    return len(entries)


def _mark(row: Any, change: PostChange) -> tuple[dict[str, Any], NewEntry] | None:
    mention_id = row.id
    at_z = isoformat_z(change.at)
    if change.text is None:
        if row.deleted_at is not None:
            return None
        data = {"mention_id": mention_id, "deleted_at": at_z}
        return {"deleted_at": change.at}, NewEntry("mention.deleted", data)
    if row.text == change.text:
        return None  # the same edit delivered again, or an "edit" that changed nothing here
    data = {"mention_id": mention_id, "text": change.text, "edited_at": at_z}
    return {"text": change.text, "edited_at": change.at}, NewEntry("mention.edited", data)
