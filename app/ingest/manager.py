"""The source manager: owns the batcher and the running source tasks of this process.

Source rows are the truth about what should run, and exactly one process runs them: the
leader (see :mod:`app.ingest.leader`). The leader reconciles its tasks with the rows every
``sources_reconcile_seconds``: it starts each ``running`` row it does not run yet (the
server was restarted, or another process accepted the request) and cancels each task whose
row is no longer ``running`` (stopped through another process, or its event deleted).
``stop`` (shutdown) leaves the rows running, for the next leader to resume.

In the process that handled the request, and only if it leads, a task is also started or
cancelled as soon as the transaction that changed its row has committed: no waiting for the
next reconcile. Never before the commit, so a rolled-back request never leaves a source
running without its row, or the reverse.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.common.time import utcnow
from app.config import Settings
from app.db import Database, after_commit
from app.events import service as events
from app.events.models import Network
from app.ingest import service
from app.ingest.batcher import Batcher
from app.ingest.leader import Leadership, leadership_for
from app.ingest.models import Source, SourceStatus
from app.ingest.reporting import ChangeWriter, JournalReporter
from app.ingest.sources import KINDS, EventInfo, SourceContext, SourceKind, get_kind, parse_config
from app.ingest.sources.base import Credentials, SharedResources, SourceCheck, no_credentials

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Launch:
    """What a task needs from its row, copied while the row is still bound to a session."""

    source_id: int
    event_id: int
    kind: str
    config: dict[str, Any]
    started_at: datetime
    state: dict[str, Any]

    @classmethod
    def of(cls, row: Source) -> _Launch:
        assert row.id is not None
        return cls(
            row.id,
            row.event_id,
            row.kind,
            dict(row.config),
            row.started_at or utcnow(),
            dict(row.state or {}),
        )


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class SourceManager:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        leadership: Leadership | None = None,
        extra_kinds: Sequence[SourceKind] = (),
        credentials: Credentials = no_credentials,
    ) -> None:
        self.db = db
        self.settings = settings
        # The admin's stored credentials, asked by network name: opaque to the manager.
        self.credentials = credentials
        # The kinds this server runs: the built-in ones and any the app was given.
        self.kinds: dict[str, SourceKind] = {**KINDS, **{kind.name: kind for kind in extra_kinds}}
        self.batcher = Batcher.from_settings(db, settings, on_missing_event=self._event_gone)
        self._leadership = leadership or leadership_for(db)
        self._leading = False
        self._tasks: dict[int, tuple[int, asyncio.Task[None]]] = {}
        # Held while the rows are compared with the tasks, and while a task records its own
        # end: a reconcile that read the row before that end was written must not see the
        # task gone and start the source again.
        self._bookkeeping = asyncio.Lock()
        self._follower: asyncio.Task[None] | None = None
        self._stopping = False
        # What the sources of this process share (one X stream connection, say).
        self.resources = SharedResources()

    @property
    def is_leader(self) -> bool:
        """Whether this process runs the sources."""
        return self._leading

    # Lifespan

    async def start(self) -> None:
        """Start the batcher, try to lead at once (resuming the sources left running), and
        keep reconciling, or trying to lead, in the background."""
        self.batcher.start()
        try:
            await self._step()
        except Exception:
            logger.exception("could not resume the running sources; retrying in the background")
        self._follower = asyncio.create_task(self._follow(), name="source-reconciler")

    async def stop(self) -> None:
        """Cancel the source tasks, write everything they queued, then give leadership up.

        Rows stay running. Leadership goes last, so that the next leader starts a source
        only once this process has stored everything that source produced here.
        """
        self._stopping = True
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        await self._cancel_all()
        await self.resources.aclose()
        await self.batcher.stop()
        self._leading = False
        await self._leadership.release()

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
        kind = get_kind(kind_name, self.kinds)
        if kind.check is not None:
            started = SourceCheck(session, event_id, self.settings, self.credentials)
            await kind.check(started, config)
        config = kind.prepare(config)
        row = await service.create(
            session, event_id, kind.name, config.model_dump(mode="json"), actor
        )
        after_commit(session, functools.partial(self._launch, _Launch.of(row)))
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
            after_commit(session, functools.partial(self._cancel, source_id))
        return row

    def parse_config(self, kind_name: str, raw: dict[str, Any]) -> BaseModel:
        """The kind's validated configuration (raises ``UnknownKind`` or ``ValidationError``)."""
        return parse_config(kind_name, raw, self.kinds, {"settings": self.settings})

    async def list_for_event(self, session: AsyncSession, event_id: int) -> list[Source]:
        return await service.list_for_event(session, event_id)

    def is_running(self, source_id: int) -> bool:
        """Whether the source runs in this process."""
        return source_id in self._tasks

    async def flush(self) -> None:
        """Wait until every mention queued so far is stored."""
        await self.batcher.flush()

    # Leadership and reconciling

    async def _follow(self) -> None:
        while True:
            leading = self._leading
            await asyncio.sleep(
                self.settings.sources_reconcile_seconds
                if leading
                else self.settings.sources_leader_retry_seconds
            )
            try:
                await self._step()
            except Exception:
                what = "reconciling the sources" if leading else "trying to lead the sources"
                logger.exception("%s failed; retrying", what)

    async def _step(self) -> None:
        """Check (or try for) leadership; if this process leads, reconcile."""
        if self._leading and not await self._leadership.held():
            logger.error("lost the sources lock: stopping the sources running here")
            await self._abdicate()
            return
        if not self._leading:
            if not await self._leadership.acquire():
                return
            self._leading = True
            logger.info("this process now runs the sources")
        await self._reconcile()

    async def _reconcile(self) -> None:
        async with self.reconcile_pass():
            pass

    @contextlib.asynccontextmanager
    async def reconcile_pass(self) -> AsyncIterator[None]:
        """One pass: read the running rows, then (after the body, which runs between the
        read and the acting, as requests of other processes may) make the tasks follow
        them. A task that a request started or stopped meanwhile is left as it is."""
        async with self._bookkeeping:
            before = self._running_tasks()
            async with self.db.read_session() as session:
                rows = await service.list_running(session)
                launches = {launch.source_id: launch for launch in map(_Launch.of, rows)}
            yield
            started = 0
            for source_id in before.keys() | launches.keys():
                if self._task(source_id) is not before.get(source_id):
                    # A request (or the batcher, for a deleted event) changed it while we
                    # read: that change followed a commit our read may not have seen.
                    continue
                launch = launches.get(source_id)
                if launch is None:
                    logger.info("source %s is no longer running: stopping it here", source_id)
                    self._cancel(source_id)
                elif source_id not in self._tasks:
                    self._launch(launch)
                    started += 1
        if started:
            logger.info("started %d running sources", started)

    async def _abdicate(self) -> None:
        self._leading = False
        await self._cancel_all()
        # Drop the lost connection; the next try opens a new one.
        await self._leadership.release()

    # Tasks

    def _task(self, source_id: int) -> asyncio.Task[None] | None:
        entry = self._tasks.get(source_id)
        return entry[1] if entry else None

    def _running_tasks(self) -> dict[int, asyncio.Task[None]]:
        return {source_id: task for source_id, (_event, task) in self._tasks.items()}

    def _launch(self, launch: _Launch) -> None:
        # A follower only writes rows: the leader starts the task on its next reconcile.
        if self._stopping or not self._leading or launch.source_id in self._tasks:
            return
        task = asyncio.create_task(self._run(launch), name=f"source-{launch.source_id}")
        self._tasks[launch.source_id] = (launch.event_id, task)

    def _cancel(self, source_id: int) -> None:
        entry = self._tasks.pop(source_id, None)
        if entry is not None:
            entry[1].cancel()

    async def _cancel_all(self) -> None:
        tasks = list(self._running_tasks().values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _event_gone(self, event_id: int) -> None:
        # The event's rows went with it (cascade): only the tasks are left to end.
        for source_id, (task_event_id, _task) in list(self._tasks.items()):
            if task_event_id == event_id:
                logger.warning("event %s was deleted: stopping its source %s", event_id, source_id)
                self._cancel(source_id)

    async def _run(self, launch: _Launch) -> None:
        source_id, event_id = launch.source_id, launch.event_id
        try:
            kind = get_kind(launch.kind, self.kinds)
            config = kind.config_model.model_validate(launch.config)
            info = await self._event_info(event_id)
            sink = functools.partial(self.batcher.put_many, event_id, source_id)
            context = SourceContext(
                source_id,
                info,
                launch.started_at,
                sink,
                changes=ChangeWriter(self.db, self.batcher, event_id),
                reporter=JournalReporter(self.db, self.batcher, event_id, source_id),
                settings=self.settings,
                resources=self.resources,
                previous_state=launch.state,
                reload_event=functools.partial(self._event_info, event_id),
                report=functools.partial(self._report, event_id, source_id),
                db=self.db,
                credentials=self.credentials,
            )
            await kind.build(context, config).run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            logger.exception("source %s (%s) of event %s failed", source_id, launch.kind, event_id)
            await self._finish(event_id, source_id, SourceStatus.failed, _describe(exc))
        else:
            await self._finish(event_id, source_id, SourceStatus.stopped, None)

    async def _event_info(self, event_id: int) -> EventInfo:
        async with self.db.read_session() as session:
            # Read inside the session: leaving it expires the row.
            event = await events.get_or_raise(session, event_id)
            return EventInfo(
                id=event_id,
                name=event.name,
                hashtags=tuple(event.hashtags),
                keywords=tuple(event.keywords),
                networks=tuple(Network(n) for n in event.networks),
            )

    async def _report(self, event_id: int, source_id: int, report: dict[str, Any]) -> None:
        """A source's findings about its input, on its row (journaled ``source.reported``)."""
        async with self.db.transaction() as session:
            await service.set_report(session, event_id, source_id, report)

    async def _finish(
        self, event_id: int, source_id: int, status: SourceStatus, error: str | None
    ) -> None:
        """Record that a source ended by itself. Never raises: the server carries on."""
        try:
            async with self._bookkeeping:
                if self._task(source_id) is asyncio.current_task():
                    del self._tasks[source_id]
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
