"""The event's VIP list: their mentions come first in the triage queue.

Replacing the list re-applies the VIP bonus to the mentions already stored (see
:mod:`app.mentions.vip_priority`) and journals one ``event.vip_added`` or
``event.vip_removed`` per handle, with the mentions whose priority moved, so consoles can
re-sort without reloading.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.time import utcnow
from app.events import service as events
from app.events.models import EventVip
from app.journal import service as journal
from app.journal.service import NewEntry
from app.mentions import vip_priority
from app.mentions.priority import ANY_NETWORK, VIP_BONUS, VipSet
from app.mentions.vip_priority import PriorityChange
from app.mentions.vip_schemas import VipIn

vip_table = EventVip.__table__  # type: ignore[attr-defined]

Pair = tuple[str, str]  # (network or ANY_NETWORK, normalised handle)


def _public(pair: Pair) -> dict[str, Any]:
    network, handle = pair
    return {"handle": handle, "network": None if network == ANY_NETWORK else network}


def _sorted(pairs: set[Pair]) -> list[Pair]:
    # Alphabetical by handle; the any-network entry first ("*" sorts before letters).
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


async def _pairs(session: AsyncSession, event_id: int) -> set[Pair]:
    vips = await vip_priority.load_vips(session, event_id)
    return {(ANY_NETWORK, h) for h in vips.any_network} | set(vips.by_network)


async def get_vips(session: AsyncSession, event_id: int) -> list[dict[str, Any]]:
    await events.get_or_raise(session, event_id)
    return [_public(pair) for pair in _sorted(await _pairs(session, event_id))]


def _matches(pair: Pair, change: PriorityChange) -> bool:
    network, handle = pair
    return handle == change.handle and network in (ANY_NETWORK, change.network)


async def replace_vips(
    session: AsyncSession, event_id: int, wanted: list[VipIn], actor: str | None
) -> dict[str, Any]:
    """Make ``wanted`` the event's VIP list; returns it with what changed."""
    last_seq = await journal.lock_counter(session, event_id)
    old = await _pairs(session, event_id)
    new = {(vip.network.value if vip.network else ANY_NETWORK, vip.handle) for vip in wanted}
    added, removed = _sorted(new - old), _sorted(old - new)
    for network, handle in removed:
        await session.execute(
            delete(vip_table).where(
                vip_table.c.event_id == event_id,
                vip_table.c.network == network,
                vip_table.c.handle == handle,
            )
        )
    if added:
        now = utcnow()
        await session.execute(
            insert(vip_table),
            [
                {"event_id": event_id, "network": network, "handle": handle, "created_at": now}
                for network, handle in added
            ],
        )
    changes = await vip_priority.reapply(
        session,
        event_id,
        VipSet.from_pairs(list(old)),
        VipSet.from_pairs(list(new)),
        {handle for _network, handle in [*added, *removed]},
    )
    # Each moved mention is reported under the first entry that explains the move (there is
    # one: a mention only gains the bonus through an added entry, and only loses it when an
    # entry matching it was removed).
    moved: dict[Pair, list[int]] = {pair: [] for pair in [*added, *removed]}
    for change in changes:
        candidates = added if change.delta > 0 else removed
        pair = next(pair for pair in candidates if _matches(pair, change))
        moved[pair].append(change.mention_id)
    entries = [
        NewEntry(
            kind,
            {
                **_public(pair),
                "priority_delta": delta,
                "mention_ids": moved[pair],
            },
            actor,
        )
        for kind, pairs, delta in (
            ("event.vip_added", added, VIP_BONUS),
            ("event.vip_removed", removed, -VIP_BONUS),
        )
        for pair in pairs
    ]
    await journal.write(session, event_id, last_seq, entries)
    return {
        "event_id": event_id,
        "vips": [_public(pair) for pair in _sorted(new)],
        "added": len(added),
        "removed": len(removed),
        "reprioritised": len(changes),
    }
