"""Rehearsal: a past event's mentions played into this one as live mentions.

In arrival order (seq), each falling due after the first by the difference of their
``received_at`` divided by the speed; ``created_at`` is moved by the same mapping so the
feed reads live. Network and external id are kept (unique per event, so the copy is
stored once, and a restarted rehearsal repeats nothing). Shares the file source's pacing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.common.errors import Invalid
from app.common.time import utcnow
from app.events import service as events
from app.ingest.sources import pacing
from app.ingest.sources.base import MentionSource, SourceCheck, SourceContext, SourceKind
from app.mentions.models import Mention
from app.mentions.schemas import MentionIn

PAGE_SIZE = 1000


class RehearsalConfig(BaseModel):
    """Which past event to play, and how fast."""

    model_config = ConfigDict(extra="forbid")

    from_event_id: int = Field(ge=1, le=2**53, description="The past event to play.")
    speed: float = pacing.SpeedField


_mention = Mention.__table__  # type: ignore[attr-defined]
_PAGE = (
    select(
        _mention.c.seq,
        _mention.c.network,
        _mention.c.external_id,
        _mention.c.author_handle,
        _mention.c.author_name,
        _mention.c.author_followers,
        _mention.c.author_verified,
        _mention.c.author_avatar_url,
        _mention.c.text,
        _mention.c.created_at,
        _mention.c.received_at,
        _mention.c.lang,
        _mention.c.url,
        _mention.c.reply_to_id,
        _mention.c.repost_of_id,
        _mention.c.quote_of_id,
    )
    .order_by(_mention.c.seq)
    .limit(PAGE_SIZE)
)


def _mention_in(row: Any, created_at: datetime) -> MentionIn:
    return MentionIn.model_validate(
        {
            "network": row.network,
            "external_id": row.external_id,
            "author": {
                "handle": row.author_handle,
                "name": row.author_name,
                "followers": row.author_followers,
                "verified": row.author_verified,
                "avatar_url": row.author_avatar_url,
            },
            "text": row.text,
            "created_at": created_at,
            "lang": row.lang,
            "url": row.url,
            "reply_to_id": row.reply_to_id,
            "repost_of_id": row.repost_of_id,
            "quote_of_id": row.quote_of_id,
        }
    )


async def check(started: SourceCheck, config: RehearsalConfig) -> None:
    """Refuse, when the source is started, a rehearsal of a missing event or of itself."""
    if config.from_event_id == started.event_id:
        raise Invalid("A rehearsal plays another event's mentions, not its own.")
    await events.get_or_raise(started.session, config.from_event_id)


class RehearsalSource(MentionSource):
    def __init__(
        self,
        context: SourceContext,
        config: RehearsalConfig,
        *,
        clock: pacing.Clock | None = None,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self.context = context
        self.config = config
        self.clock = clock or pacing.LoopClock()
        self.wall = wall

    async def _rows(self) -> AsyncIterator[Any]:
        db = self.context.db
        if db is None:
            raise RuntimeError("a rehearsal needs the database to read the past event from")
        after = 0
        while True:
            async with db.read_session() as session:
                if after == 0:
                    await events.get_or_raise(session, self.config.from_event_id)
                query = _PAGE.where(
                    _mention.c.event_id == self.config.from_event_id, _mention.c.seq > after
                )
                rows = (await session.execute(query)).all()
            for row in rows:
                yield row
            if len(rows) < PAGE_SIZE:
                return
            after = rows[-1].seq

    async def run(self) -> None:
        if self.config.from_event_id == self.context.event.id:
            raise ValueError("A rehearsal plays another event's mentions, not its own.")
        rows = self._rows()
        first = await anext(rows, None)
        if first is None:
            return
        timeline = pacing.Timeline(first.received_at, self.context.started_at, self.config.speed)

        async def timed() -> AsyncIterator[tuple[float, MentionIn]]:
            row = first
            while row is not None:
                mention = _mention_in(row, timeline.live(row.created_at))
                yield timeline.offset(row.received_at), mention
                row = await anext(rows, None)

        elapsed = max(0.0, (self.wall() - self.context.started_at).total_seconds())
        await pacing.play(timed(), self.context.sink, self.clock, elapsed=elapsed)


REHEARSAL = SourceKind(
    name="rehearsal", config_model=RehearsalConfig, build=RehearsalSource, check=check
)
