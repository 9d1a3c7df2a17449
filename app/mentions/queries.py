"""Reading mentions: the filtered feed and single mentions, in their public shape.

A page costs three queries whatever its size: the mentions with their claim holders (a join),
then the tags and the notes of the whole page; one more, for the replies, when it holds
answered mentions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.people import holder_dict
from app.common.errors import NotFound
from app.mentions.models import Mention, MentionNote, MentionState, MentionTag
from app.mentions.service import note_dict, public_dict
from app.replies import views as reply_views

mention_table = Mention.__table__  # type: ignore[attr-defined]
tag_table = MentionTag.__table__  # type: ignore[attr-defined]
note_table = MentionNote.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]


def with_holder() -> Select[Any]:
    """Mention rows with the claim holder's names, as :func:`public_dict` wants them."""
    return select(
        mention_table,
        user_table.c.username.label("holder_username"),
        user_table.c.display_name.label("holder_display_name"),
    ).select_from(
        mention_table.outerjoin(user_table, user_table.c.id == mention_table.c.claimed_by_id)
    )


async def tags_for(session: AsyncSession, mention_ids: list[int]) -> dict[int, list[str]]:
    """The tags of several mentions in one query, each list in alphabetical order."""
    if not mention_ids:
        return {}
    result = await session.execute(
        select(tag_table.c.mention_id, tag_table.c.tag)
        .where(tag_table.c.mention_id.in_(mention_ids))
        .order_by(tag_table.c.mention_id, tag_table.c.tag)
    )
    tags: dict[int, list[str]] = {}
    for mention_id, tag in result:
        tags.setdefault(mention_id, []).append(tag)
    return tags


async def notes_for(session: AsyncSession, mention_ids: list[int]) -> dict[int, list[Any]]:
    """The internal notes of several mentions in one query, each list oldest first."""
    if not mention_ids:
        return {}
    result = await session.execute(
        select(
            note_table.c.id,
            note_table.c.mention_id,
            note_table.c.text,
            note_table.c.created_at,
            user_table.c.username,
            user_table.c.display_name,
        )
        .select_from(note_table.outerjoin(user_table, user_table.c.id == note_table.c.author_id))
        .where(note_table.c.mention_id.in_(mention_ids))
        .order_by(note_table.c.id)
    )
    notes: dict[int, list[Any]] = {}
    for row in result:
        author = holder_dict(row.username, row.display_name) if row.username is not None else None
        notes.setdefault(row.mention_id, []).append(
            note_dict(row.id, row.mention_id, row.text, author, row.created_at)
        )
    return notes


async def public_many(session: AsyncSession, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mention rows (from :func:`with_holder`) in their public shape, with their tags,
    notes and replies: one query each for the whole list."""
    ids = [row["id"] for row in rows]
    tags = await tags_for(session, ids)
    notes = await notes_for(session, ids)
    replies = await replies_for(session, rows)
    return [
        public_dict(row, tags.get(row["id"]), replies.get(row["id"]), notes.get(row["id"]))
        for row in rows
    ]


async def replies_for(session: AsyncSession, rows: list[dict[str, Any]]) -> dict[int, Any]:
    """The replies of the answered mentions among ``rows`` (no query when there are none)."""
    answered = [row["id"] for row in rows if row["state"] == MentionState.replied.value]
    return await reply_views.latest_for(session, answered)


async def get_row(session: AsyncSession, mention_id: int) -> dict[str, Any]:
    """The mention row (with holder names), or 404."""
    result = await session.execute(with_holder().where(mention_table.c.id == mention_id))
    row = result.mappings().one_or_none()
    if row is None:
        raise NotFound(f"Mention {mention_id} does not exist.", mention_id=mention_id)
    return dict(row)


async def get_public(session: AsyncSession, mention_id: int) -> dict[str, Any]:
    (public,) = await public_many(session, [await get_row(session, mention_id)])
    return public


def _escape_like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def list_mentions(
    session: AsyncSession,
    event_id: int,
    *,
    state: str | None = None,
    network: str | None = None,
    q: str | None = None,
    tag: str | None = None,
    flagged: bool | None = None,
    after_seq: int | None = None,
    before_seq: int | None = None,
    order: str = "desc",
    sort: str = "seq",
    after_priority: tuple[int, int] | None = None,
    heads_only: bool = False,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], bool]:
    """Mentions of an event and whether more follow; ``heads_only`` leaves out the members
    of flood groups (one mention per group, as "claim next" offers them).

    ``sort="seq"``: by arrival, newest first (``order="desc"``) or oldest first. ``sort=
    "priority"``: highest priority first, ties oldest first (the order of "claim next");
    ``after_priority`` = (priority, seq) of the last mention of the previous page.
    """
    query = with_holder().where(mention_table.c.event_id == event_id)
    if state:
        query = query.where(mention_table.c.state == state)
    if network:
        query = query.where(mention_table.c.network == network)
    if q:
        pattern = _escape_like(q)
        query = query.where(
            mention_table.c.text.ilike(pattern, escape="\\")
            | mention_table.c.author_handle.ilike(pattern, escape="\\")
        )
    if tag:
        query = query.where(
            exists().where(tag_table.c.mention_id == mention_table.c.id, tag_table.c.tag == tag)
        )
    if flagged is not None:
        flag_set = mention_table.c.flagged_at.is_not(None)
        query = query.where(flag_set if flagged else ~flag_set)
    if heads_only:
        query = query.where(mention_table.c.cluster_id.is_(None))
    if after_seq is not None:
        query = query.where(mention_table.c.seq > after_seq)
    if before_seq is not None:
        query = query.where(mention_table.c.seq < before_seq)
    if sort == "priority":
        if after_priority is not None:
            last_priority, last_seq = after_priority
            query = query.where(
                or_(
                    mention_table.c.priority < last_priority,
                    and_(
                        mention_table.c.priority == last_priority,
                        mention_table.c.seq > last_seq,
                    ),
                )
            )
        ordering = [mention_table.c.priority.desc(), mention_table.c.seq.asc()]
    elif order == "asc":
        ordering = [mention_table.c.seq.asc()]
    else:
        ordering = [mention_table.c.seq.desc()]
    result = await session.execute(query.order_by(*ordering).limit(limit + 1))
    rows = [dict(row) for row in result.mappings()]
    has_more = len(rows) > limit
    rows = rows[:limit]
    return await public_many(session, rows), has_more


async def seq_before_newest(session: AsyncSession, event_id: int, at_most: int, count: int) -> int:
    """The seq just below the ``count`` newest mentions at or below seq ``at_most`` (0 when
    there are fewer): the replay reads the feed's window from there. One walk down the
    (event_id, seq) index."""
    result = await session.execute(
        select(mention_table.c.seq)
        .where(mention_table.c.event_id == event_id, mention_table.c.seq <= at_most)
        .order_by(mention_table.c.seq.desc())
        .offset(count)
        .limit(1)
    )
    return int(result.scalar_one_or_none() or 0)


async def summaries(session: AsyncSession, mention_ids: list[int]) -> list[dict[str, Any]]:
    """Who wrote these mentions and what, for a board that names mentions off the feed."""
    if not mention_ids:
        return []
    result = await session.execute(
        select(
            mention_table.c.id,
            mention_table.c.seq,
            mention_table.c.network,
            mention_table.c.author_handle,
            mention_table.c.author_name,
            mention_table.c.text,
        ).where(mention_table.c.id.in_(sorted(set(mention_ids))))
    )
    return [
        {
            "id": row.id,
            "seq": row.seq,
            "network": row.network,
            "author": {"handle": row.author_handle, "name": row.author_name},
            "text": row.text,
        }
        for row in result
    ]
