"""Bookmarks: a producer names an instant of the evening (a seq); everyone can open it by
URL (``/events/{id}/replay?seq=N``). Journalled as ``bookmark.added`` / ``bookmark.deleted``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.errors import Invalid, NotFound
from app.common.time import isoformat_z
from app.journal import service as journal
from app.replay.models import Bookmark
from app.replay.schemas import BookmarkCreate

bookmark_table = Bookmark.__table__  # type: ignore[attr-defined]


def bookmark_dict(bookmark: Bookmark, author: User | None) -> dict[str, Any]:
    return {
        "id": bookmark.id,
        "event_id": bookmark.event_id,
        "seq": bookmark.seq,
        "name": bookmark.name,
        "created_by": holder_dict(author.username, author.display_name) if author else None,
        "created_at": isoformat_z(bookmark.created_at),
    }


async def list_for_event(session: AsyncSession, event_id: int) -> list[dict[str, Any]]:
    result = await session.execute(
        select(Bookmark, User)
        .outerjoin(User, User.id == Bookmark.created_by_id)  # type: ignore[arg-type]
        .where(bookmark_table.c.event_id == event_id)
        .order_by(bookmark_table.c.seq, bookmark_table.c.id)
    )
    return [bookmark_dict(bookmark, author) for bookmark, author in result.all()]


async def add(
    session: AsyncSession, event_id: int, data: BookmarkCreate, user: User
) -> dict[str, Any]:
    last_seq = await journal.lock_counter(session, event_id)
    if data.seq > last_seq:
        raise Invalid(
            f"Seq {data.seq} is past the end of the event's journal ({last_seq}): "
            "bookmark an instant that happened.",
            last_seq=last_seq,
        )
    bookmark = Bookmark(event_id=event_id, seq=data.seq, name=data.name, created_by_id=user.id)
    session.add(bookmark)
    await session.flush()
    shown = bookmark_dict(bookmark, user)
    await journal.write(
        session,
        event_id,
        last_seq,
        [journal.NewEntry("bookmark.added", {"bookmark": shown}, actor=user.username)],
    )
    return shown


async def delete(session: AsyncSession, bookmark_id: int, user: User) -> None:
    event_id = (
        await session.execute(
            select(bookmark_table.c.event_id).where(bookmark_table.c.id == bookmark_id)
        )
    ).scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Bookmark {bookmark_id} does not exist.", bookmark_id=bookmark_id)
    last_seq = await journal.lock_counter(session, event_id)
    bookmark = await session.get(Bookmark, bookmark_id)
    if bookmark is None:  # deleted by someone else meanwhile
        raise NotFound(f"Bookmark {bookmark_id} does not exist.", bookmark_id=bookmark_id)
    await session.delete(bookmark)
    await journal.write(
        session,
        event_id,
        last_seq,
        [
            journal.NewEntry(
                "bookmark.deleted",
                {"bookmark_id": bookmark_id, "seq": bookmark.seq, "name": bookmark.name},
                actor=user.username,
            )
        ],
    )
