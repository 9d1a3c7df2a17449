"""How a running source's news reaches the journal: its state, its gaps, and the deletes and
edits its network announces. Network-agnostic: sources speak in external ids and times."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.common.time import isoformat_z
from app.db import Database
from app.ingest import service
from app.ingest.batcher import Batcher
from app.ingest.sources.base import MentionChange, MentionDeleted
from app.mentions import changes as mention_changes

logger = logging.getLogger(__name__)


class JournalReporter:
    """A source's :class:`~app.ingest.sources.base.SourceReporter`: each report is one
    transaction (state on the source's row and ``source.state_changed``; the gaps)."""

    def __init__(self, db: Database, batcher: Batcher, event_id: int, source_id: int) -> None:
        self._db = db
        self._batcher = batcher
        self._event_id = event_id
        self._source_id = source_id

    async def state_changed(self, state: dict[str, Any]) -> None:
        async with self._db.transaction() as session:
            await service.record_state(session, self._event_id, self._source_id, state)

    async def gap_opened(self, network: str, from_at: datetime) -> None:
        data = {"source_id": self._source_id, "network": network, "from_at": isoformat_z(from_at)}
        async with self._db.transaction() as session:
            await service.record_gap(session, self._event_id, "source.gap_opened", data)

    async def gap_closed(self, from_at: datetime, to_at: datetime, backfilled: bool) -> None:
        data = {
            "source_id": self._source_id,
            "from_at": isoformat_z(from_at),
            "to_at": isoformat_z(to_at),
            "backfilled": backfilled,
        }
        # A gap is closed once what the back-fill found is stored: an operator who sees it
        # closed finds the missed mentions in the feed, not a batch later.
        await self._batcher.flush()
        async with self._db.transaction() as session:
            await service.record_gap(session, self._event_id, "source.gap_closed", data)


class ChangeWriter:
    """A source's change sink: waits until every mention queued before is stored (a delete
    must find the mention it is about), then marks them in one transaction."""

    def __init__(self, db: Database, batcher: Batcher, event_id: int) -> None:
        self._db = db
        self._batcher = batcher
        self._event_id = event_id

    async def __call__(self, changes: Sequence[MentionChange]) -> None:
        if not changes:
            return
        await self._batcher.flush()
        rows = [
            mention_changes.PostChange(
                network=change.network.value,
                external_id=change.external_id,
                at=change.at,
                text=None if isinstance(change, MentionDeleted) else change.text,
            )
            for change in changes
        ]
        async with self._db.transaction() as session:
            await mention_changes.apply(session, self._event_id, rows)
