"""The source manager: owns the batcher and the running source tasks of this process.

Source rows are the truth about what should run: ``start`` resumes every row still
``running`` (the server was restarted), and ``stop`` (shutdown) leaves them so. A task is
started or cancelled only once the transaction that changed its row has committed, so a
rolled-back request never leaves a source running without its row, or the reverse.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.common.errors import NotFound
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.events import service as events
from app.events.models import Network
from app.ingest import service
from app.ingest.batcher import Batcher
from app.ingest.models import Source, SourceStatus
from app.ingest.sources import EventInfo, SourceContext, get_kind

logger = logging.getLogger(__name__)


def _after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    """Run ``action`` once ``session`` commits; never if it rolls back first."""
    loop = asyncio.get_running_loop()
    armed = [True]

    def committed(_session: Session) -> None:
        if armed[0]:
            armed[0] = False
            # Called from inside SQLAlchemy's commit: act once it has returned.
            loop.call_soon(action)

    def rolled_back(_session: Session) -> None:
        armed[0] = False

    sa_event.listen(session.sync_session, "after_commit", committed)
    sa_event.listen(session.sync_session, "after_rollback", rolled_back)


@dataclass(frozen=True, slots=True)
class _Launch:
    """What a task needs from its row, copied while the row is still bound to a session."""

    source_id: int
    event_id: int
    kind: str
    config: dict[str, Any]
    started_at: datetime

    @classmethod
    def of(cls, row: Source) -> _Launch:
        assert row.id is not None
        return cls(row.id, row.event_id, row.kind, dict(row.config), row.started_at or utcnow())


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class SourceManager:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.batcher = Batcher.from_settings(db, settings, on_missing_event=self._event_gone)
        self._tasks: dict[int, tuple[int, asyncio.Task[None]]] = {}
        self._stopping = False

    # Lifespan

    async def start(self) -> None:
        """Start the batcher and resume the sources left running by the last shutdown."""
        self.batcher.start()
        async with self.db.read_session() as session:
            launches = [_Launch.of(row) for row in await service.list_running(session)]
        for launch in launches:
            self._launch(launch)
        if launches:
            logger.info("resumed %d running sources", len(launches))

    async def stop(self) -> None:
        """Cancel the source tasks, then write everything they queued. Rows stay running."""
        self._stopping = True
        tasks = [task for _event_id, task in self._tasks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        await self.batcher.stop()

    # For the API

    async def create(
        self,
        session: AsyncSession,
        event_id: int,
        kind_name: str,
        config: BaseModel,
        *,
        actor: str | None,
    ) -> Source:
        """Persist a running source (journaled ``source.started``); it starts on commit."""
        kind = get_kind(kind_name)
        config = kind.prepare(config)
        row = await service.create(
            session, event_id, kind.name, config.model_dump(mode="json"), actor
        )
        _after_commit(session, functools.partial(self._launch, _Launch.of(row)))
        return row

    async def stop_source(
        self, session: AsyncSession, event_id: int, source_id: int, *, actor: str | None
    ) -> Source:
        """Mark the source stopped (journaled ``source.stopped``); its task ends on commit.

        Mentions it queued before that are still written: they were accepted.
        """
        row, changed = await service.finish(
            session, event_id, source_id, SourceStatus.stopped, actor=actor
        )
        if changed:
            _after_commit(session, functools.partial(self._cancel, source_id))
        return row

    async def list_for_event(self, session: AsyncSession, event_id: int) -> list[Source]:
        return await service.list_for_event(session, event_id)

    def is_running(self, source_id: int) -> bool:
        return source_id in self._tasks

    async def flush(self) -> None:
        """Wait until every mention queued so far is stored."""
        await self.batcher.flush()

    # Tasks

    def _launch(self, launch: _Launch) -> None:
        if self._stopping or launch.source_id in self._tasks:
            return
        task = asyncio.create_task(self._run(launch), name=f"source-{launch.source_id}")
        self._tasks[launch.source_id] = (launch.event_id, task)

    def _cancel(self, source_id: int) -> None:
        entry = self._tasks.pop(source_id, None)
        if entry is not None:
            entry[1].cancel()

    async def _event_gone(self, event_id: int) -> None:
        # The event's rows went with it (cascade): only the tasks are left to end.
        for source_id, (task_event_id, _task) in list(self._tasks.items()):
            if task_event_id == event_id:
                logger.warning("event %s was deleted: stopping its source %s", event_id, source_id)
                self._cancel(source_id)

    async def _run(self, launch: _Launch) -> None:
        source_id, event_id = launch.source_id, launch.event_id
        try:
            kind = get_kind(launch.kind)
            config = kind.config_model.model_validate(launch.config)
            async with self.db.read_session() as session:
                # Read inside the session: leaving it expires the row.
                event = await events.get_or_raise(session, event_id)
                info = EventInfo(
                    id=event_id,
                    name=event.name,
                    hashtags=tuple(event.hashtags),
                    keywords=tuple(event.keywords),
                    networks=tuple(Network(n) for n in event.networks),
                )
            sink = functools.partial(self.batcher.put_many, event_id, source_id)
            context = SourceContext(source_id, info, launch.started_at, sink)
            await kind.build(context, config).run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("source %s (%s) of event %s failed", source_id, launch.kind, event_id)
            await self._finish(event_id, source_id, SourceStatus.failed, _describe(exc))
        else:
            await self._finish(event_id, source_id, SourceStatus.stopped, None)

    async def _finish(
        self, event_id: int, source_id: int, status: SourceStatus, error: str | None
    ) -> None:
        """Record that a source ended by itself. Never raises: the server carries on."""
        self._tasks.pop(source_id, None)
        try:
            async with self.db.transaction() as session:
                await service.finish(session, event_id, source_id, status, error=error)
        except NotFound:
            logger.info(
                "source %s of event %s ended after its event was deleted", source_id, event_id
            )
        except Exception:
            logger.exception(
                "could not mark source %s of event %s %s", source_id, event_id, status.value
            )
