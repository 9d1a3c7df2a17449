"""Mentions: the public shape and idempotent batch ingest (the hot path).

Listing and single-mention reads are in :mod:`app.mentions.queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.people import holder_dict
from app.common.bulk import BulkInsert
from app.common.sqlite_driver import statements_inline
from app.common.time import isoformat_z, utcnow
from app.db import after_commit, database_of
from app.journal import service as journal
from app.journal.service import NewEntry
from app.mentions import answerable, collapse, priority, vip_priority
from app.mentions.models import Mention, MentionState
from app.mentions.priority import VipSet
from app.mentions.schemas import MentionIn

mention_table = Mention.__table__  # type: ignore[attr-defined]
_NEW = MentionState.new.value  # an enum's .value is a Python-level lookup: once, not per row


@dataclass(slots=True)
class IngestOutcome:
    accepted: int = 0
    duplicates: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)
    # The flood window this batch changed (confirmed once the batch is committed).
    window: collapse.EventWindow | None = None


def note_dict(
    note_id: int, mention_id: int, text: str, author: dict[str, str] | None, created_at: Any
) -> dict[str, Any]:
    """An internal note as the API and the journal show it."""
    return {
        "id": note_id,
        "mention_id": mention_id,
        "text": text,
        "author": author,
        "created_at": isoformat_z(created_at),
    }


def public_dict(
    row: dict[str, Any],
    tags: list[str] | None = None,
    reply: dict[str, Any] | None = None,
    notes: list[dict[str, Any]] | None = None,
    *,
    received_at_z: str | None = None,
) -> dict[str, Any]:
    """A mention as the API and the journal show it.

    ``row`` is a mention row, with ``holder_username`` and ``holder_display_name`` when it
    is claimed. Ingest builds ``mention.received`` entries here for thousands of rows a
    second: a new mention has no tag, flag or claim, hence ``get`` and no lookups, and the
    batch's one ``received_at`` comes formatted (``received_at_z``).
    """
    claim = None
    if row.get("claimed_by_id") is not None:
        claim = {
            "holder": holder_dict(row["holder_username"], row["holder_display_name"]),
            "lease_until": isoformat_z(row["lease_until"]),
            "fence": row["claim_fence"],
        }
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
        "received_at": received_at_z or isoformat_z(row["received_at"]),
        "lang": row["lang"],
        "url": row["url"],
        "reply_to_id": row["reply_to_id"],
        "repost_of_id": row["repost_of_id"],
        "quote_of_id": row["quote_of_id"],
        "cluster_id": row.get("cluster_id"),
        "state": row["state"],
        "priority": row["priority"],
        "tags": tags or [],
        "flagged": row.get("flagged_at") is not None,
        "claim": claim,
        "reply": reply,
        "notes": notes or [],
        "deleted_at": _z_or_none(row.get("deleted_at")),
        "edited_at": _z_or_none(row.get("edited_at")),
        "reply_eligibility": answerable.public(row.get("reply_blocked")),
    }


def _z_or_none(value: datetime | None) -> str | None:
    return isoformat_z(value) if value is not None else None


# Built once: the hot path then skips their construction and cache keys.
_NEW_COLUMNS = (
    "event_id", "seq", "network", "external_id", "author_handle", "author_name",
    "author_followers", "author_verified", "author_avatar_url", "text", "created_at",
    "received_at", "lang", "url", "reply_to_id", "repost_of_id", "quote_of_id", "state",
    "source_id", "priority", "cluster_id", "reply_context", "reply_blocked",
)  # fmt: skip
_INSERT_NEW = {
    "postgresql": BulkInsert(
        pg_insert(mention_table).on_conflict_do_nothing(
            index_elements=["event_id", "network", "external_id"]
        ),
        _NEW_COLUMNS,
    ),
    "sqlite": BulkInsert(
        sqlite_insert(mention_table).on_conflict_do_nothing(
            index_elements=["event_id", "network", "external_id"]
        ),
        _NEW_COLUMNS,
    ),
}
_STORED_IDS = (
    select(mention_table.c.seq, mention_table.c.id)
    .where(
        mention_table.c.event_id == bindparam("event_id"),
        mention_table.c.seq.between(bindparam("first_seq"), bindparam("last_seq")),
    )
    .order_by(mention_table.c.seq)
)
_SET_CLUSTER = (
    update(mention_table)
    .where(mention_table.c.id == bindparam("row_id"))
    .values(cluster_id=bindparam("new_cluster_id"))
)
_RENUMBER = (
    update(mention_table)
    .where(mention_table.c.id == bindparam("row_id"))
    .values(seq=bindparam("final_seq"))
)


def _row(
    event_id: int,
    seq: int,
    item: MentionIn,
    received_at: datetime,
    source_id: int | None,
    vips: VipSet,
    handles: dict[str, str],
    rules: answerable.ReplyRules | None,
) -> dict[str, Any]:
    author = item.author
    network = item.network.value
    context = item.reply_context()
    blocked = answerable.blocked_reason(rules, network, item.text, context, handles.get(network))
    return {
        "event_id": event_id,
        "seq": seq,
        "network": network,
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
        "state": _NEW,
        "source_id": source_id,
        "priority": priority.score(
            item.text, author.followers, author.verified, network, author.handle, vips
        ),
        "cluster_id": None,
        "reply_context": context,
        "reply_blocked": blocked,
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
    fresh: dict[tuple[str, str], MentionIn] = {}
    for item in items:
        fresh.setdefault((item.network.value, item.external_id), item)
    # All of it on the connection in one go: each statement through the ORM session costs
    # its own greenlet and session bookkeeping, several times the work of the statement.
    # The connection does not autoflush: pending ORM changes go first, as they did.
    await session.flush()
    database = database_of(session)
    connection = await session.connection()
    outcome: IngestOutcome = await connection.run_sync(
        _store_inline,
        event_id,
        list(fresh.values()),
        len(items),
        source_id,
        actor,
        answerable.rules_of(database),
        collapse.floods_of(database),
    )
    journal.publish_after_commit(session, event_id, outcome.entries)
    if outcome.window is not None and outcome.entries:
        window, last = outcome.window, outcome.entries[-1]["seq"]
        after_commit(session, lambda: collapse.confirm(window, last))
    return outcome


def _store_inline(connection: Connection, *args: Any) -> IngestOutcome:
    # A batch is a handful of bounded statements: on SQLite the trips to its thread would
    # cost more than the statements (app/common/sqlite_driver.py).
    with statements_inline(connection):
        return _store(connection, *args)


def _store(
    connection: Connection,
    event_id: int,
    fresh: list[MentionIn],
    asked: int,
    source_id: int | None,
    actor: str | None,
    rules: answerable.ReplyRules | None,
    floods: collapse.Floods | None = None,
) -> IngestOutcome:
    # Read under the counter lock: a VIP list change (which takes the same lock) is either
    # wholly before this batch, and scored in, or wholly after it, and re-applied by it.
    last_seq, vips = vip_priority.lock_counter_and_load_vips(connection, event_id)
    if not fresh:
        return IngestOutcome()
    # The posting handles decide which mentions can be answered (one small query a batch).
    handles = answerable.handles_for_event(connection, event_id) if rules else {}
    received_at = utcnow()
    received_at_z = isoformat_z(received_at)
    rows = [
        _row(event_id, last_seq + n, item, received_at, source_id, vips, handles, rules)
        for n, item in enumerate(fresh, start=1)
    ]
    window = floods.window(connection, event_id, last_seq) if floods else None
    groups = floods.assign(window, rows, received_at) if floods and window else None
    # Insert all with tentative seqs and let the unique index skip what is already stored.
    # (A SELECT of the known ids first would have to trust the planner, and on a fresh
    # PostgreSQL table without statistics it scans the whole event for every batch.)
    _INSERT_NEW[connection.dialect.name].execute(connection, rows)
    # Under the counter lock nobody else writes this event, so the rows holding the
    # tentative seqs are exactly the ones just stored. Plain executemany plus this read is
    # much faster than INSERT ... RETURNING, which SQLite runs one row at a time.
    stored = connection.execute(
        _STORED_IDS,
        {"event_id": event_id, "first_seq": last_seq + 1, "last_seq": last_seq + len(rows)},
    )
    id_by_seq: dict[int, int] = {seq: mention_id for seq, mention_id in stored}
    outcome = IngestOutcome(duplicates=asked - len(id_by_seq))
    if not id_by_seq:
        if groups is not None:
            groups.settle(rows, last_seq, received_at)  # all duplicates: no new group
        return outcome
    kept = [row for row in rows if row["seq"] in id_by_seq]
    renumbered = []
    for final_seq, row in enumerate(kept, start=last_seq + 1):
        row["id"] = id_by_seq[row["seq"]]
        if row["seq"] != final_seq:
            row["seq"] = final_seq
            renumbered.append({"row_id": row["id"], "final_seq": final_seq})
    if renumbered:
        # Duplicates left holes in the tentative numbering; close them, keeping order.
        connection.execute(_RENUMBER, renumbered)
    if groups is not None:
        # Members of a group whose head came in this same batch learn its id only now.
        if joined := groups.settle(rows, last_seq, received_at):
            connection.execute(_SET_CLUSTER, joined)
        outcome.window = window
    outcome.entries = journal.write_on(
        connection,
        event_id,
        last_seq,
        [
            NewEntry(
                "mention.received",
                public_dict(row, received_at_z=received_at_z),
                actor=actor,
                at=received_at,
            )
            for row in kept
        ],
    )
    outcome.accepted = len(kept)
    return outcome
