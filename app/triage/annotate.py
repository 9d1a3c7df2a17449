"""Tags, the producer flag and internal notes on a mention; each change is journaled.

Adding a tag that is there or removing one that is not changes nothing and journals
nothing, so two consoles doing the same thing at once both succeed. Anyone on the team
(operators, producers, admins) may annotate, whatever the mention's state: tagging after
the answer is what the after-show report is made of.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.errors import Conflict
from app.common.sql import affected
from app.common.time import utcnow
from app.journal import service as journal
from app.mentions import queries
from app.mentions.models import Mention, MentionNote, MentionTag
from app.mentions.service import note_dict
from app.mentions.tags import MAX_TAGS_PER_MENTION
from app.triage.lifecycle import event_of, lock_mention

mention_table = Mention.__table__  # type: ignore[attr-defined]
tag_table = MentionTag.__table__  # type: ignore[attr-defined]
note_table = MentionNote.__table__  # type: ignore[attr-defined]


async def _tags(session: AsyncSession, mention_id: int) -> list[str]:
    return (await queries.tags_for(session, [mention_id])).get(mention_id, [])


async def add_tag(session: AsyncSession, mention_id: int, user: User, tag: str) -> list[str]:
    """Tag the mention (``tag`` already normalised); returns its tags."""
    event_id, _row = await lock_mention(session, mention_id)
    tags = await _tags(session, mention_id)
    if tag in tags:
        return tags
    if len(tags) >= MAX_TAGS_PER_MENTION:
        raise Conflict(
            f"Mention {mention_id} already has {len(tags)} tags, the most it can have; "
            "remove one first.",
            tags=tags,
        )
    await session.execute(
        insert(tag_table).values(
            mention_id=mention_id, tag=tag, created_at=utcnow(), created_by_id=user.id
        )
    )
    tags = sorted([*tags, tag])
    await journal.append(
        session,
        event_id,
        "mention.tagged",
        {"mention_id": mention_id, "tag": tag, "tags": tags},
        user.username,
    )
    return tags


async def remove_tag(session: AsyncSession, mention_id: int, user: User, tag: str) -> list[str]:
    """Remove the tag if the mention has it; returns its tags."""
    event_id, _row = await lock_mention(session, mention_id)
    changed = await affected(
        session,
        delete(tag_table).where(tag_table.c.mention_id == mention_id, tag_table.c.tag == tag),
    )
    tags = await _tags(session, mention_id)
    if changed:
        await journal.append(
            session,
            event_id,
            "mention.untagged",
            {"mention_id": mention_id, "tag": tag, "tags": tags},
            user.username,
        )
    return tags


async def flag(
    session: AsyncSession, mention_id: int, user: User, reason: str | None
) -> dict[str, Any]:
    """Flag the mention for the producer; flagging again changes the reason."""
    event_id, row = await lock_mention(session, mention_id)
    if row["flagged_at"] is not None and row["flag_reason"] == reason:
        return await queries.get_public(session, mention_id)
    now = utcnow()
    await session.execute(
        update(mention_table)
        .where(mention_table.c.id == mention_id)
        .values(flagged_at=row["flagged_at"] or now, flagged_by_id=user.id, flag_reason=reason)
    )
    await journal.append(
        session,
        event_id,
        "mention.flagged",
        {"mention_id": mention_id, "reason": reason},
        user.username,
    )
    return await queries.get_public(session, mention_id)


async def unflag(session: AsyncSession, mention_id: int, user: User) -> dict[str, Any]:
    event_id, row = await lock_mention(session, mention_id)
    if row["flagged_at"] is not None:
        await session.execute(
            update(mention_table)
            .where(mention_table.c.id == mention_id)
            .values(flagged_at=None, flagged_by_id=None, flag_reason=None)
        )
        await journal.append(
            session, event_id, "mention.unflagged", {"mention_id": mention_id}, user.username
        )
    return await queries.get_public(session, mention_id)


async def add_note(session: AsyncSession, mention_id: int, user: User, text: str) -> dict[str, Any]:
    """Add an internal note. Its text is journaled: notes are for the whole team."""
    event_id = await event_of(session, mention_id)
    await journal.lock_counter(session, event_id)
    now = utcnow()
    result = await session.execute(
        insert(note_table)
        .values(mention_id=mention_id, author_id=user.id, text=text, created_at=now)
        .returning(note_table.c.id)
    )
    note = note_dict(
        result.scalar_one(), mention_id, text, holder_dict(user.username, user.display_name), now
    )
    await journal.append(
        session,
        event_id,
        "mention.noted",
        {"mention_id": mention_id, "note": note},
        user.username,
    )
    return note


async def list_notes(session: AsyncSession, mention_id: int) -> list[dict[str, Any]]:
    """The mention's notes, oldest first (404 for an unknown mention)."""
    await event_of(session, mention_id)
    return (await queries.notes_for(session, [mention_id])).get(mention_id, [])
