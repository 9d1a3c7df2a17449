"""Mentions: idempotent batch ingest (the hot path) and filtered listing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.time import isoformat_z, utcnow
from app.journal import service as journal
from app.journal.service import NewEntry
from app.mentions.models import Mention, MentionState
from app.mentions.schemas import MentionIn

mention_table = Mention.__table__  # type: ignore[attr-defined]

# Keeps IN (...) lists well under SQLite's and asyncpg's bound-parameter limits.
_LOOKUP_CHUNK = 400


@dataclass(slots=True)
class IngestOutcome:
    accepted: int = 0
    duplicates: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)


async def _existing_keys(
    session: AsyncSession, event_id: int, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        result = await session.execute(
            select(mention_table.c.network, mention_table.c.external_id).where(
                mention_table.c.event_id == event_id,
                tuple_(mention_table.c.network, mention_table.c.external_id).in_(chunk),
            )
        )
        found.update((row.network, row.external_id) for row in result)
    return found


def public_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A mention as the API and the journal show it."""
    return {
        "id": row["id"],
        "event_id": row["event_id"],
        "seq": row["seq"],
        "network": row["network"],
        "external_id": row["external_id"],
        "author": {
            "handle": row["author_handle"],
            "name": row["author_name"],
            "followers": row["author_followers"],
            "verified": row["author_verified"],
            "avatar_url": row["author_avatar_url"],
        },
        "text": row["text"],
        "created_at": isoformat_z(row["created_at"]),
        "received_at": isoformat_z(row["received_at"]),
        "lang": row["lang"],
        "url": row["url"],
        "reply_to_id": row["reply_to_id"],
        "repost_of_id": row["repost_of_id"],
        "quote_of_id": row["quote_of_id"],
        "state": row["state"],
    }


async def ingest(
    session: AsyncSession,
    event_id: int,
    items: Sequence[MentionIn],
    *,
    source_id: int | None = None,
    actor: str | None = None,
) -> IngestOutcome:
    """Store the mentions not seen before and journal each as ``mention.received``.

    Idempotent: a mention already stored for this event (same network and external id),
    or repeated within ``items``, counts as a duplicate. Runs in the caller's transaction;
    the event's journal counter is locked first, so concurrent ingests of the same ids
    cannot both store one.
    """
    last_seq = await journal.lock_counter(session, event_id)
    fresh: dict[tuple[str, str], MentionIn] = {}
    for item in items:
        fresh.setdefault((item.network.value, item.external_id), item)
    existing = await _existing_keys(session, event_id, list(fresh))
    new_items = [item for key, item in fresh.items() if key not in existing]
    outcome = IngestOutcome(duplicates=len(items) - len(new_items))
    if not new_items:
        return outcome

    received_at = utcnow()
    rows = []
    for offset, item in enumerate(new_items, start=1):
        author = item.author
        rows.append(
            {
                "event_id": event_id,
                "seq": last_seq + offset,
                "network": item.network.value,
                "external_id": item.external_id,
                "author_handle": author.handle,
                "author_name": author.name,
                "author_followers": author.followers,
                "author_verified": author.verified,
                "author_avatar_url": str(author.avatar_url) if author.avatar_url else None,
                "text": item.text,
                "created_at": item.created_at,
                "received_at": received_at,
                "lang": item.lang,
                "url": str(item.url) if item.url else None,
                "reply_to_id": item.reply_to_id,
                "repost_of_id": item.repost_of_id,
                "quote_of_id": item.quote_of_id,
                "state": MentionState.new.value,
                "source_id": source_id,
            }
        )
    result = await session.execute(
        insert(mention_table).returning(mention_table.c.id, sort_by_parameter_order=True),
        rows,
    )
    for row, mention_id in zip(rows, result.scalars(), strict=True):
        row["id"] = mention_id
    outcome.entries = await journal.write(
        session,
        event_id,
        last_seq,
        [
            NewEntry("mention.received", public_dict(row), actor=actor, at=received_at)
            for row in rows
        ],
    )
    outcome.accepted = len(rows)
    return outcome


async def list_mentions(
    session: AsyncSession,
    event_id: int,
    *,
    state: str | None = None,
    network: str | None = None,
    q: str | None = None,
    after_seq: int | None = None,
    before_seq: int | None = None,
    order: str = "desc",
    limit: int = 100,
) -> tuple[list[dict[str, Any]], bool]:
    """Mentions of an event, newest first by default; returns the page and whether more follow."""
    query = select(mention_table).where(mention_table.c.event_id == event_id)
    if state:
        query = query.where(mention_table.c.state == state)
    if network:
        query = query.where(mention_table.c.network == network)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            mention_table.c.text.ilike(pattern, escape="\\")
            | mention_table.c.author_handle.ilike(pattern, escape="\\")
        )
    if after_seq is not None:
        query = query.where(mention_table.c.seq > after_seq)
    if before_seq is not None:
        query = query.where(mention_table.c.seq < before_seq)
    ordering = mention_table.c.seq.asc() if order == "asc" else mention_table.c.seq.desc()
    result = await session.execute(query.order_by(ordering).limit(limit + 1))
    rows = [public_dict(dict(row._mapping)) for row in result]
    return rows[:limit], len(rows) > limit
