"""Replies in their public shape, for the replies' own API and for the mentions they answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.time import isoformat_z
from app.replies.models import Reply, ReplyStatus

reply_table = Reply.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]
# The answered mention's address (a Mastodon status on another server is looked up by it);
# named here without importing mentions, which imports this module.
_mention = table("mention", column("id"), column("url"))
# The answered mention's address (the outbox hands it to publishers that resolve it).
mention_url = _mention


def with_author() -> Select[Any]:
    return select(
        reply_table,
        user_table.c.username.label("author_username"),
        user_table.c.display_name.label("author_display_name"),
        _mention.c.url.label("in_reply_to_url"),
    ).select_from(
        reply_table.outerjoin(user_table, user_table.c.id == reply_table.c.author_id).outerjoin(
            _mention, _mention.c.id == reply_table.c.mention_id
        )
    )


def public_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A reply as the API and the journal show it."""
    author = None
    if row.get("author_username") is not None:
        author = holder_dict(row["author_username"], row["author_display_name"])
    return {
        "id": row["id"],
        "mention_id": row["mention_id"],
        "event_id": row["event_id"],
        "network": row["network"],
        "text": row["text"],
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": (
            isoformat_z(row["next_attempt_at"])
            if row["next_attempt_at"] is not None and row["status"] == ReplyStatus.retrying
            else None
        ),
        "external_id": row["external_id"],
        "external_url": row["external_url"],
        "dry_run": row["dry_run"],
        "author": author,
        "created_at": isoformat_z(row["created_at"]),
        "published_at": isoformat_z(row["published_at"]) if row["published_at"] else None,
    }


async def latest_for(session: AsyncSession, mention_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest reply of each of these mentions (those that have one), in one query."""
    if not mention_ids:
        return {}
    result = await session.execute(
        with_author().where(reply_table.c.mention_id.in_(mention_ids)).order_by(reply_table.c.id)
    )
    return {row["mention_id"]: public_dict(dict(row)) for row in result.mappings()}
