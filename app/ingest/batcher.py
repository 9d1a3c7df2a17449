"""The batcher: sources push mentions in, one writer task stores them in batches.

Sources and the database run at different speeds: a spike can produce thousands of
mentions a second while each transaction costs a few milliseconds whatever its size. The
bounded queue absorbs the difference (and pushes back on sources when it is full); the
writer turns many small pushes into few large :func:`app.mentions.service.ingest` calls.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.config import Settings
from app.db import Database
from app.mentions import service as mentions_service
from app.mentions.schemas import MentionIn
from app.ops import metrics

logger = logging.getLogger(__name__)

# (event_id, source_id, mention, loop time when queued)
_Queued = tuple[int, int | None, MentionIn, float]
# A group is written in one transaction: all of one event, from one source.
_GroupKey = tuple[int, int | None]

_STOP: Any = object()

# A batch that keeps failing for a reason other than the database being unreachable is
# split in halves, so that one bad mention cannot hold back all the others forever.
_PERMANENT_FAILURE_ATTEMPTS = 3
_MAX_BACKOFF_SECONDS = 5.0


class Ingest(Protocol):
    async def __call__(
        self,
        session: AsyncSession,
        event_id: int,
        items: Sequence[MentionIn],
        *,
        source_id: int | None = None,
    ) -> Any: ...


def _is_transient(exc: BaseException) -> bool:
    """Errors that go away by themselves: a locked or unreachable database."""
    if isinstance(exc, OperationalError | InterfaceError | OSError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class Batcher:
    """A bounded queue of mentions and the task that writes them.

    ``put`` waits while the queue is full (back-pressure); nothing accepted is dropped
    without an error in the log. ``stop`` writes everything queued before returning.
    """

    def __init__(
        self,
        db: Database,
        *,
        batch_size: int,
        max_delay_ms: int,
        queue_size: int,
        ingest: Ingest = mentions_service.ingest,
        on_missing_event: Callable[[int], Awaitable[None]] | None = None,
        stop_timeout: float = 30.0,
        retry_delay: float = 0.05,
    ) -> None:
        self._db = db
        self._batch_size = batch_size
        self._max_delay = max_delay_ms / 1000
        self._queue: asyncio.Queue[_Queued] = asyncio.Queue(maxsize=queue_size)
        self._ingest = ingest
        self._on_missing_event = on_missing_event
        self._stop_timeout = stop_timeout
        self._retry_delay = retry_delay
        self._writer: asyncio.Task[None] | None = None
        self._closed = False
        self._stop_deadline: float | None = None
        self._queued = 0
        self._done = 0
        self._progress = asyncio.Condition()

    @classmethod
    def from_settings(cls, db: Database, settings: Settings, **kwargs: Any) -> Batcher:
        return cls(
            db,
            batch_size=settings.ingest_batch_size,
            max_delay_ms=settings.ingest_batch_max_delay_ms,
            queue_size=settings.ingest_queue_size,
            **kwargs,
        )

    @property
    def pending(self) -> int:
        """Mentions accepted and not yet written (or given up on)."""
        return self._queued - self._done

    def start(self) -> asyncio.Task[None]:
        if self._writer is None:
            self._writer = asyncio.create_task(self._run(), name="ingest-batcher")
        return self._writer

    async def put_many(
        self, event_id: int, source_id: int | None, items: Sequence[MentionIn]
    ) -> None:
        """Queue ``items``; waits while the queue is full."""
        if self._closed:
            raise RuntimeError("the batcher is stopped; it accepts no more mentions")
        queue = self._queue
        now = asyncio.get_running_loop().time()
        for item in items:
            entry = (event_id, source_id, item, now)
            try:
                queue.put_nowait(entry)
            except asyncio.QueueFull:
                await queue.put(entry)
            self._queued += 1

    async def flush(self) -> None:
        """Wait until everything queued before this call is written."""
        target = self._queued
        async with self._progress:
            await self._progress.wait_for(lambda: self._done >= target)

    async def stop(self) -> None:
        """Refuse new mentions, write everything queued, then end the writer task.

        Stop the sources first: a source blocked in ``put`` on a full queue would keep
        the queue from ever draining to the stop marker.
        """
        if self._closed:
            return
        self._closed = True
        # Started here if it never was: what was queued is still written.
        writer = self.start()
        self._stop_deadline = asyncio.get_running_loop().time() + self._stop_timeout
        await self._queue.put(_STOP)
        await writer
        if left := self._queue.qsize():
            logger.error("%d mentions were queued after the batcher stopped: not stored", left)

    async def _run(self) -> None:
        queue = self._queue
        loop = asyncio.get_running_loop()
        while True:
            first = await queue.get()
            if first is _STOP:
                return
            batch = [first]
            deadline = first[3] + self._max_delay
            stopping = False
            while len(batch) < self._batch_size:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        async with asyncio.timeout(remaining):
                            item = await queue.get()
                    except TimeoutError:
                        break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            await self._write(batch)
            if stopping:
                return

    async def _write(self, batch: list[_Queued]) -> None:
        groups: dict[_GroupKey, list[MentionIn]] = {}
        for event_id, source_id, item, _at in batch:
            groups.setdefault((event_id, source_id), []).append(item)
        for (event_id, source_id), items in groups.items():
            try:
                await self._write_group(event_id, source_id, items)
            except Exception:
                # A bug here must not end the writer: every source would then block forever.
                logger.exception(
                    "unexpected error writing %d mentions for event %s (source %s); dropped",
                    len(items),
                    event_id,
                    source_id,
                )
        metrics.INGEST_LAG.observe(asyncio.get_running_loop().time() - batch[0][3])
        async with self._progress:
            self._done += len(batch)
            self._progress.notify_all()

    async def _write_group(
        self, event_id: int, source_id: int | None, items: list[MentionIn]
    ) -> None:
        attempt = 0
        while True:
            try:
                async with self._db.transaction() as session:
                    await self._ingest(session, event_id, items, source_id=source_id)
                return
            except NotFound:
                logger.error(
                    "event %s no longer exists: dropping %d mentions from source %s",
                    event_id,
                    len(items),
                    source_id,
                )
                if self._on_missing_event is not None:
                    await self._on_missing_event(event_id)
                return
            except Exception as exc:
                attempt += 1
                transient = _is_transient(exc)
                if not transient and attempt >= _PERMANENT_FAILURE_ATTEMPTS:
                    await self._isolate_failure(event_id, source_id, items, exc)
                    return
                if self._past_stop_deadline():
                    logger.error(
                        "shutting down with the database failing: dropping %d mentions for "
                        "event %s (source %s) after %d attempts",
                        len(items),
                        event_id,
                        source_id,
                        attempt,
                        exc_info=exc,
                    )
                    return
                delay = min(self._retry_delay * 2**attempt, _MAX_BACKOFF_SECONDS)
                delay *= random.uniform(0.8, 1.2)
                logger.warning(
                    "writing %d mentions for event %s (source %s) failed (attempt %d, %s); "
                    "retrying in %.2f s",
                    len(items),
                    event_id,
                    source_id,
                    attempt,
                    "transient" if transient else "not transient",
                    delay,
                    exc_info=exc,
                )
                await asyncio.sleep(delay)

    async def _isolate_failure(
        self, event_id: int, source_id: int | None, items: list[MentionIn], exc: Exception
    ) -> None:
        if len(items) == 1:
            item = items[0]
            logger.error(
                "dropping mention %s:%s for event %s (source %s): it cannot be stored",
                item.network.value,
                item.external_id,
                event_id,
                source_id,
                exc_info=exc,
            )
            return
        middle = len(items) // 2
        await self._write_group(event_id, source_id, items[:middle])
        await self._write_group(event_id, source_id, items[middle:])

    def _past_stop_deadline(self) -> bool:
        deadline = self._stop_deadline
        return deadline is not None and asyncio.get_running_loop().time() > deadline
