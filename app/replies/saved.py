"""Saved replies: an event's prepared answers, with the author's handle filled in on use.

A template may say ``{handle}`` (the mention author's handle, with its ``@``) and ``{name}``
(their display name, or the handle when they have none). Nothing else in braces is
touched, so a template can still hold a literal ``{`` or an emoji like ``{:)}``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.errors import NotFound
from app.common.time import isoformat_z, utcnow
from app.events import service as events
from app.journal import service as journal
from app.replies.access import require_author_or_producer
from app.replies.models import SavedReply

saved_table = SavedReply.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]


def fill(template: str, handle: str, name: str) -> str:
    at_handle = handle if handle.startswith("@") else f"@{handle}"
    return template.replace("{handle}", at_handle).replace("{name}", name.strip() or at_handle)


def _public(row: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    creator = None
    if row["creator_username"] is not None:
        creator = holder_dict(row["creator_username"], row["creator_display_name"])
    return {
        "id": row["id"],
        "event_id": row["event_id"],
        "title": row["title"],
        "text": row["text"] if text is None else text,
        "template": row["text"],
        "created_by": creator,
        "created_at": isoformat_z(row["created_at"]),
    }


async def _rows(session: AsyncSession, *conditions: Any) -> list[dict[str, Any]]:
    result = await session.execute(
        select(
            saved_table,
            user_table.c.username.label("creator_username"),
            user_table.c.display_name.label("creator_display_name"),
        )
        .select_from(
            saved_table.outerjoin(user_table, user_table.c.id == saved_table.c.created_by_id)
        )
        .where(*conditions)
        .order_by(saved_table.c.title, saved_table.c.id)
    )
    return [dict(row) for row in result.mappings()]


async def list_for_event(session: AsyncSession, event_id: int) -> list[dict[str, Any]]:
    await events.get_or_raise(session, event_id)
    return [_public(row) for row in await _rows(session, saved_table.c.event_id == event_id)]


async def list_filled(
    session: AsyncSession, event_id: int, handle: str, name: str
) -> list[dict[str, Any]]:
    """The event's saved replies, filled in for the author ``handle`` called ``name``."""
    rows = await _rows(session, saved_table.c.event_id == event_id)
    return [_public(row, fill(row["text"], handle, name)) for row in rows]


async def create(
    session: AsyncSession, event_id: int, user: User, *, title: str, text: str
) -> dict[str, Any]:
    await events.get_or_raise(session, event_id)
    await journal.lock_counter(session, event_id)
    result = await session.execute(
        saved_table.insert()
        .values(
            event_id=event_id, title=title, text=text, created_by_id=user.id, created_at=utcnow()
        )
        .returning(saved_table.c.id)
    )
    saved_id = int(result.scalar_one())
    (row,) = await _rows(session, saved_table.c.id == saved_id)
    public = _public(row)
    await journal.append(
        session, event_id, "saved_reply.created", {"saved_reply": public}, user.username
    )
    return public


async def remove(session: AsyncSession, saved_id: int, user: User) -> None:
    """Delete a saved reply: its author or a producer may (403 for anyone else)."""
    result = await session.execute(
        select(saved_table.c.event_id).where(saved_table.c.id == saved_id)
    )
    event_id = result.scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Saved reply {saved_id} does not exist.", saved_reply_id=saved_id)
    await journal.lock_counter(session, event_id)
    (row,) = await _rows(session, saved_table.c.id == saved_id)
    author = row["creator_display_name"] or row["creator_username"]
    require_author_or_producer(user, row["created_by_id"], author, "delete this saved reply")
    await session.execute(delete(saved_table).where(saved_table.c.id == saved_id))
    await journal.append(
        session, event_id, "saved_reply.deleted", {"saved_reply_id": saved_id}, user.username
    )
