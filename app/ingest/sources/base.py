"""What a source is: an async task that produces mentions and hands them to a sink.

The manager runs each source's :meth:`MentionSource.run` as a task; stopping a source
cancels that task. A source that returns has finished (stopped); one that raises has
failed. Sources never write to the database: the sink queues into the batcher, the change
sink marks stored mentions deleted or edited, and the reporter journals the source's state
and its gaps. None of them knows a network: a network's source speaks to them in mentions,
external ids and times.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.events.models import Network
from app.mentions.schemas import MentionIn

MentionSink = Callable[[Sequence[MentionIn]], Awaitable[None]]
# Records what a source found about its input (a file's bad lines) on its row.
InputReporter = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MentionDeleted:
    """The network says this post was deleted: the mention is marked, never erased."""

    network: Network
    external_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class MentionEdited:
    """The network says this post now reads ``text``."""

    network: Network
    external_id: str
    text: str
    at: datetime


MentionChange = MentionDeleted | MentionEdited
ChangeSink = Callable[[Sequence[MentionChange]], Awaitable[None]]


class SourceReporter(Protocol):
    """Where a source says how it is doing (journaled by the manager)."""

    async def state_changed(self, state: dict[str, Any]) -> None: ...

    async def gap_opened(self, network: str, from_at: datetime) -> None: ...

    async def gap_closed(self, from_at: datetime, to_at: datetime, backfilled: bool) -> None: ...


class SilentReporter:
    """A reporter that keeps nothing (a source run outside the manager)."""

    async def state_changed(self, state: dict[str, Any]) -> None:
        return None

    async def gap_opened(self, network: str, from_at: datetime) -> None:
        return None

    async def gap_closed(self, from_at: datetime, to_at: datetime, backfilled: bool) -> None:
        return None


class SharedResources:
    """Things the sources of one process share (one X stream connection for every X
    source), made on first use and closed when the manager stops."""

    def __init__(self) -> None:
        self._items: dict[str, Any] = {}
        self._closers: list[Callable[[], Awaitable[None]]] = []

    def get_or_create(
        self, key: str, make: Callable[[], Any], close: Callable[[Any], Awaitable[None]]
    ) -> Any:
        if key not in self._items:
            item = make()
            self._items[key] = item
            self._closers.append(lambda: close(item))
        return self._items[key]

    async def aclose(self) -> None:
        closers, self._closers, self._items = self._closers, [], {}
        for closer in reversed(closers):
            with contextlib.suppress(Exception):
                await closer()


@dataclass(frozen=True, slots=True)
class EventInfo:
    """What a source needs to know about its event, read once when it starts."""

    id: int
    name: str
    hashtags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    networks: tuple[Network, ...] = tuple(Network)


async def _no_changes(changes: Sequence[MentionChange]) -> None:
    return None


@dataclass(frozen=True, slots=True)
class StoredCredential:
    """A network account from the admin's store, as a source may listen with it. Its
    secrets are opened: never log them (the repr leaves them out)."""

    handle: str
    event_id: int | None
    server_url: str | None
    secrets: Mapping[str, str] = field(repr=False)
    # Why the account cannot be used (the network refused it: its words), else None.
    refused: str | None = None


# The store's accounts on a network for an event: the event's own first, then those for
# every event (``None``: only those), the latest first; never one still being connected.
# The sources ask it by network name, so the manager that hands it over knows none.
Credentials = Callable[[str, int | None], Awaitable[Sequence[StoredCredential]]]


async def no_credentials(network: str, event_id: int | None) -> Sequence[StoredCredential]:
    """No store (a source run outside a server): only the settings' credentials."""
    return ()


@dataclass(frozen=True, slots=True)
class SourceContext:
    source_id: int
    event: EventInfo
    # When the source was first started; a resumed source carries on from there.
    started_at: datetime
    sink: MentionSink
    changes: ChangeSink = _no_changes
    reporter: SourceReporter = field(default_factory=SilentReporter)
    # The server's settings (endpoints, credentials, folders); None outside a server.
    settings: Settings | None = None
    resources: SharedResources = field(default_factory=SharedResources)
    # The state this source last reported before the server restarted (its cursor, its
    # counts): a resumed source carries on from it.
    previous_state: dict[str, Any] = field(default_factory=dict)
    # Reads the event again (its hashtags and keywords may have changed since the start).
    reload_event: Callable[[], Awaitable[EventInfo]] | None = None
    # Records what a source found about its input (a file's bad lines) on its row.
    report: InputReporter | None = None
    # For sources that read the database (rehearsals); never to write.
    db: Database | None = None
    # The credentials the admin stored (app/accounts), besides the settings' ones.
    credentials: Credentials = no_credentials


class MentionSource(ABC):
    @abstractmethod
    async def run(self) -> None:
        """Produce mentions into the context's sink until done or cancelled."""


def _unchanged(config: Any) -> Any:
    return config


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """What a kind's check may consult when a source is started."""

    session: AsyncSession
    event_id: int
    settings: Settings
    credentials: Credentials = no_credentials


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A kind of source: its validated configuration and how to build one."""

    name: str
    config_model: type[BaseModel]
    build: Callable[[SourceContext, Any], MentionSource]
    # Settles choices made once at creation (a random seed) so that restarts repeat them.
    prepare: Callable[[Any], Any] = field(default=_unchanged)
    # Checks when the source is started, against the database and the credentials:
    # raises NotFound (404) or Invalid (422), e.g. a rehearsal of a missing event, or a
    # network source with nothing to listen with.
    check: Callable[[SourceCheck, Any], Awaitable[None]] | None = None


async def sleep_for(seconds: float) -> None:
    """The real wait; sources take a ``sleep`` like it so tests can drive time."""
    await asyncio.sleep(seconds)
