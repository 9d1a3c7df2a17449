"""Cues in their public shape (CuePublic): the sheet, in running order, with each cue's
drafts (id, title, status, networks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.common.time import isoformat_z
from app.cues.models import Cue
from app.drafts.models import Draft
from app.posts.service import networks_of

cue_table = Cue.__table__  # type: ignore[attr-defined]
draft_table = Draft.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]


def _time(value: Any) -> str | None:
    return isoformat_z(value) if value is not None else None


def public_dict(
    row: dict[str, Any], drafts: list[dict[str, Any]], *, with_note: bool = True
) -> dict[str, Any]:
    fired_by = None
    if row.get("fired_by_username") is not None:
        fired_by = {
            "id": row["fired_by_id"],
            "username": row["fired_by_username"],
            "display_name": row["fired_by_display_name"],
        }
    public = {
        "id": row["id"],
        "event_id": row["event_id"],
        "title": row["title"],
        "position": row["position"],
        "trigger": row["trigger"],
        "fire_at": _time(row["fire_at"]),
        "offset_seconds": row["offset_seconds"],
        "due_at": _time(row["due_at"]),
        "armed": row["armed"],
        "fire_count": row["fire_count"],
        "fired_at": _time(row["fired_at"]),
        "fired_by": fired_by,
        "drafts": drafts,
    }
    if with_note:
        public["note"] = row["note"]
    return public


async def public_cues(
    session: AsyncSession,
    *,
    event_id: int | None = None,
    cue_ids: list[int] | None = None,
    with_note: bool = True,
) -> list[dict[str, Any]]:
    """The event's cues (not deleted) in running order, or these cues (deleted or not)."""
    query = select(
        cue_table,
        user_table.c.username.label("fired_by_username"),
        user_table.c.display_name.label("fired_by_display_name"),
    ).select_from(cue_table.outerjoin(user_table, user_table.c.id == cue_table.c.fired_by_id))
    if cue_ids is not None:
        query = query.where(cue_table.c.id.in_(cue_ids))
    else:
        query = query.where(cue_table.c.event_id == event_id, cue_table.c.deleted_at.is_(None))
    rows = [
        dict(row)
        for row in (
            await session.execute(query.order_by(cue_table.c.position, cue_table.c.id))
        ).mappings()
    ]
    drafts = await _drafts_by_cue(session, [row["id"] for row in rows])
    return [public_dict(row, drafts.get(row["id"], []), with_note=with_note) for row in rows]


async def _drafts_by_cue(
    session: AsyncSession, cue_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    if not cue_ids:
        return {}
    result = await session.execute(
        select(
            draft_table.c.id,
            draft_table.c.cue_id,
            draft_table.c.title,
            draft_table.c.status,
            draft_table.c.content,
        )
        .where(draft_table.c.cue_id.in_(cue_ids), draft_table.c.deleted_at.is_(None))
        .order_by(draft_table.c.position, draft_table.c.id)
    )
    by_cue: dict[int, list[dict[str, Any]]] = {}
    for row in result:
        by_cue.setdefault(row.cue_id, []).append(
            {
                "id": row.id,
                "title": row.title,
                "status": row.status,
                "networks": networks_of(row.content or {}),
            }
        )
    return by_cue


async def public_cue(
    session: AsyncSession, cue_id: int, *, with_note: bool = True
) -> dict[str, Any]:
    (cue,) = await public_cues(session, cue_ids=[cue_id], with_note=with_note)
    return cue
