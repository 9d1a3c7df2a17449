"""The VIP part of the priority score: read the event's list for ingest, and re-apply the
bonus to the mentions already stored when the list changes.

Both run under the event's journal counter lock (ingest takes it first; a VIP change takes it
before touching the list), so no batch is scored against a list that is being replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.events.models import Event, EventVip
from app.mentions.models import Mention
from app.mentions.priority import VIP_BONUS, VipSet, normalise_handle

mention_table = Mention.__table__  # type: ignore[attr-defined]
vip_table = EventVip.__table__  # type: ignore[attr-defined]
event_table = Event.__table__  # type: ignore[attr-defined]

# Bound parameters per statement: far below SQLite's and asyncpg's limits.
_CHUNK = 500
T = TypeVar("T")


def _chunks(values: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


@dataclass(slots=True, frozen=True)
class PriorityChange:
    mention_id: int
    network: str
    handle: str  # normalised
    delta: int


async def load_vips(session: AsyncSession, event_id: int) -> VipSet:
    """The event's VIP list: one small query (the table's primary key starts with event_id)."""
    result = await session.execute(
        select(vip_table.c.network, vip_table.c.handle).where(vip_table.c.event_id == event_id)
    )
    return VipSet.from_pairs([(network, handle) for network, handle in result])


# Built once: the hot path then skips their construction and cache keys.
_LOCK_COUNTER = (
    select(event_table.c.last_seq)
    .where(event_table.c.id == bindparam("event_id"))
    .with_for_update()
)
_VIPS = select(vip_table.c.network, vip_table.c.handle).where(
    vip_table.c.event_id == bindparam("event_id")
)
_COUNTER_AND_VIPS = (
    select(event_table.c.last_seq, vip_table.c.network, vip_table.c.handle)
    .select_from(event_table.outerjoin(vip_table, vip_table.c.event_id == event_table.c.id))
    .where(event_table.c.id == bindparam("event_id"))
)


def lock_counter_and_load_vips(connection: Connection, event_id: int) -> tuple[int, VipSet]:
    """:func:`app.journal.service.lock_counter` then :func:`load_vips`, for ingest running on
    the transaction's connection (inside ``run_sync``): the counter's last seq and the list
    the batch is scored against.

    On SQLite the writer holds the whole database from BEGIN IMMEDIATE, so one statement
    reads both. On PostgreSQL the list must be read by a statement that starts after the
    lock is granted: a joined read waiting for the lock would keep the VIP rows of its own
    snapshot, the list from before a change that held the lock meanwhile.
    """
    params = {"event_id": event_id}
    if connection.dialect.name == "postgresql":
        last_seq = connection.execute(_LOCK_COUNTER, params).scalar_one_or_none()
        if last_seq is None:
            raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
        result = connection.execute(_VIPS, params)
        return int(last_seq), VipSet.from_pairs([(network, handle) for network, handle in result])
    rows = connection.execute(_COUNTER_AND_VIPS, params).all()
    if not rows:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    pairs = [(network, handle) for _seq, network, handle in rows if network is not None]
    return int(rows[0][0]), VipSet.from_pairs(pairs)


async def reapply(
    session: AsyncSession, event_id: int, old: VipSet, new: VipSet, handles: Iterable[str]
) -> list[PriorityChange]:
    """Move the bonus on the stored mentions of ``handles`` (normalised) from the ``old`` list
    to the ``new`` one; returns what changed. A mention gains or loses the bonus only when
    its VIP status changes, so overlapping entries (``ana`` on every network and ``ana`` on
    X) never count twice."""
    wanted = sorted(set(handles))
    if not wanted:
        return []
    # lower() agrees with normalise_handle on ASCII handles (see app/mentions/priority.py);
    # each candidate is checked again in Python below.
    lowered = func.lower(mention_table.c.author_handle)
    changes: list[PriorityChange] = []
    for chunk in _chunks(wanted):
        spellings = chunk + ["@" + handle for handle in chunk]
        result = await session.execute(
            select(mention_table.c.id, mention_table.c.network, mention_table.c.author_handle)
            .where(mention_table.c.event_id == event_id, lowered.in_(spellings))
            .order_by(mention_table.c.id)
        )
        for mention_id, network, author_handle in result:
            key = normalise_handle(author_handle)
            was, now = old.contains(network, key), new.contains(network, key)
            if was != now:
                delta = VIP_BONUS if now else -VIP_BONUS
                changes.append(PriorityChange(mention_id, network, key, delta))
    for delta in (VIP_BONUS, -VIP_BONUS):
        ids = [change.mention_id for change in changes if change.delta == delta]
        for chunk_ids in _chunks(ids):
            await session.execute(
                update(mention_table)
                .where(mention_table.c.id.in_(chunk_ids))
                .values(priority=mention_table.c.priority + delta)
            )
    return changes
