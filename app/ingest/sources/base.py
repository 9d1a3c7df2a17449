"""What a source is: an async task that produces mentions and hands them to a sink.

The manager runs each source's :meth:`MentionSource.run` as a task; stopping a source
cancels that task. A source that returns has finished (stopped); one that raises has
failed. Sources never write to the database: the sink queues into the batcher.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.models import Network
from app.mentions.schemas import MentionIn

MentionSink = Callable[[Sequence[MentionIn]], Awaitable[None]]
# Records what a source found about its input (a file's bad lines) on its row.
SourceReporter = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class EventInfo:
    """What a source needs to know about its event, read once when it starts."""

    id: int
    name: str
    hashtags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    networks: tuple[Network, ...] = tuple(Network)


@dataclass(frozen=True, slots=True)
class SourceContext:
    source_id: int
    event: EventInfo
    # When the source was first started; a resumed source carries on from there.
    started_at: datetime
    sink: MentionSink
    report: SourceReporter | None = None
    # For sources that read a folder or the database (files, rehearsals); never to write.
    settings: Settings | None = None
    db: Database | None = None


class MentionSource(ABC):
    @abstractmethod
    async def run(self) -> None:
        """Produce mentions into the context's sink until done or cancelled."""


def _unchanged(config: Any) -> Any:
    return config


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A kind of source: its validated configuration and how to build one."""

    name: str
    config_model: type[BaseModel]
    build: Callable[[SourceContext, Any], MentionSource]
    # Settles choices made once at creation (a random seed) so that restarts repeat them.
    prepare: Callable[[Any], Any] = field(default=_unchanged)
    # Checks against the database when the source is started (session, event id, config):
    # raises NotFound (404) or Invalid (422), e.g. a rehearsal of a missing event.
    check: Callable[[AsyncSession, int, Any], Awaitable[None]] | None = None
