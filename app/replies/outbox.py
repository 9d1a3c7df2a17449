"""The reply outbox: every server process runs one worker that publishes due replies.

A reply is due when it is ``queued`` or ``retrying`` and its ``next_attempt_at`` has come,
or when it is ``sending`` and its send deadline has passed (the process sending it went
away). A worker takes a due reply with an UPDATE conditional on the status and attempt
count it read, so two workers never send the same reply at once; it then calls the
publisher with the reply's idempotency key and records the outcome, again conditionally on
its own attempt, so a late answer from a send presumed lost cannot undo a newer one.

Each step is journaled (``reply.sending``, ``reply.published``, ``reply.retrying``,
``reply.failed``), so consoles show the reply's fate on the mention as it happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from app.common.errors import NotFound
from app.common.sql import affected
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.journal import service as journal
from app.replies import service as replies
from app.replies import views
from app.replies.models import ReplyStatus
from app.replies.publishers import Outgoing, Published, Publishers, PublishFailed

logger = logging.getLogger(__name__)

reply_table = views.reply_table
# Replies being sent at once by one process, at most.
BATCH = 20
# The journal entries after which a worker looks at once rather than at its next poll.
MAX_ERROR_LENGTH = 1000


def backoff(attempts: int, settings: Settings) -> float:
    """Seconds before attempt ``attempts + 1``: base, twice that, four times … up to the cap."""
    return float(
        min(
            settings.publish_backoff_max_seconds,
            settings.publish_backoff_base_seconds * 2 ** max(0, attempts - 1),
        )
    )


class ReplyOutbox:
    def __init__(self, db: Database, settings: Settings, publishers: Publishers) -> None:
        self._db = db
        self._settings = settings
        self._publishers = publishers
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._db.wakers[replies.OUTBOX_WAKER] = self._wake.set
        self._task = asyncio.create_task(self._run(), name="reply-outbox")

    async def stop(self) -> None:
        # A send cut short here stays "sending" until its deadline, then is taken up again
        # (by this process after a restart, or by another) with the same key.
        tasks = [task for task in (self._task, *self._sends) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        await self._publishers.close()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.publish_due()
            except Exception:
                logger.exception("publishing replies failed; retrying at the next poll")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.publish_poll_seconds):
                    await self._wake.wait()

    async def publish_due(self) -> int:
        """Take due replies and start sending them; returns how many were taken.

        Sends run on their own: a network that is slow to answer holds only its own
        replies, never the next pass. At most ``BATCH`` run at once.
        """
        room = BATCH - len(self._sends)
        if room <= 0:
            return 0
        taken = await self._take_due(utcnow(), room)
        for row in taken:
            task = asyncio.create_task(self._send(row), name=f"reply-send-{row['id']}")
            self._sends.add(task)
            task.add_done_callback(self._sent)
        return len(taken)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sends.discard(task)
        self._wake.set()  # room for another send
        if not task.cancelled() and task.exception() is not None:
            logger.error("sending a reply failed", exc_info=task.exception())

    # -- taking -----------------------------------------------------------------------------

    def _due(self, now: datetime) -> Any:
        waiting = (ReplyStatus.queued.value, ReplyStatus.retrying.value)
        return or_(
            and_(reply_table.c.status.in_(waiting), reply_table.c.next_attempt_at <= now),
            and_(
                reply_table.c.status == ReplyStatus.sending.value,
                reply_table.c.next_attempt_at < now,
            ),
        )

    async def _take_due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        async with self._db.read_session() as session:
            result = await session.execute(
                select(reply_table.c.id, reply_table.c.event_id)
                .where(self._due(now))
                .order_by(reply_table.c.next_attempt_at, reply_table.c.id)
                .limit(limit)
            )
            candidates = [(row.id, row.event_id) for row in result]
        taken: list[dict[str, Any]] = []
        # One presumed-lost send gets twice the call's timeout before another worker may
        # take it: the first worker's call has surely ended by then.
        deadline = now + timedelta(seconds=2 * self._settings.publish_send_timeout_seconds)
        for reply_id, event_id in candidates:
            async with self._db.transaction() as session:
                try:
                    await journal.lock_counter(session, event_id)
                except NotFound:
                    continue  # the event was deleted, with its replies
                row = await replies.get_row(session, reply_id)
                changed = await affected(
                    session,
                    update(reply_table)
                    .where(
                        reply_table.c.id == reply_id,
                        reply_table.c.status == row["status"],
                        reply_table.c.attempts == row["attempts"],
                        self._due(now),
                    )
                    .values(
                        status=ReplyStatus.sending.value,
                        attempts=row["attempts"] + 1,
                        next_attempt_at=deadline,
                    ),
                )
                if changed != 1:
                    continue  # another worker took it, or it is no longer due
                row = await replies.get_row(session, reply_id)
                await journal.append(
                    session, event_id, "reply.sending", {"reply": views.public_dict(row)}
                )
                taken.append(row)
        return taken

    # -- sending ----------------------------------------------------------------------------

    async def _send(self, row: dict[str, Any]) -> None:
        post = Outgoing(
            idempotency_key=row["idempotency_key"],
            network=row["network"],
            text=row["text"],
            in_reply_to=row["in_reply_to"],
            in_reply_to_url=row.get("in_reply_to_url"),
            resend=row["attempts"] > 1 or row["last_error"] is not None,
            created_at=row["created_at"],
        )
        try:
            publisher = await self._publishers.for_reply(row["network"], row["event_id"])
            async with asyncio.timeout(self._settings.publish_send_timeout_seconds):
                published = await publisher.publish(post)
        except PublishFailed as exc:
            if exc.rate_limited_until is not None:
                await self._rate_limited(row, str(exc), exc.rate_limited_until)
                return
            await self._failed(row, str(exc), transient=exc.transient, wait=exc.retry_after)
            return
        except TimeoutError:
            await self._failed(row, "the network did not answer in time", transient=True)
            return
        except Exception as exc:
            # A fault of ours or an unforeseen answer: keep the reply and try again later.
            logger.exception("publishing reply %s failed unexpectedly", row["id"])
            await self._failed(row, f"unexpected error: {exc!r}", transient=True)
            return
        await self._published(row, published)

    async def _record(
        self, row: dict[str, Any], values: dict[str, Any], entry_type: str
    ) -> dict[str, Any] | None:
        """Write the outcome of our attempt, unless the reply moved on without us."""
        async with self._db.transaction() as session:
            try:
                await journal.lock_counter(session, row["event_id"])
            except NotFound:
                return None
            changed = await affected(
                session,
                update(reply_table)
                .where(
                    reply_table.c.id == row["id"],
                    reply_table.c.status == ReplyStatus.sending.value,
                    reply_table.c.attempts == row["attempts"],
                )
                .values(**values),
            )
            if changed != 1:
                logger.warning("reply %s moved on while attempt %s ran", row["id"], row["attempts"])
                return None
            public = views.public_dict(await replies.get_row(session, row["id"]))
            await journal.append(session, row["event_id"], entry_type, {"reply": public})
            return public

    async def _published(self, row: dict[str, Any], published: Published) -> None:
        await self._record(
            row,
            {
                "status": ReplyStatus.published.value,
                "external_id": published.external_id,
                "external_url": published.external_url,
                "dry_run": published.dry_run,
                "published_at": utcnow(),
                "next_attempt_at": None,
                "last_error": None,
            },
            "reply.published",
        )

    async def _failed(
        self, row: dict[str, Any], error: str, *, transient: bool, wait: float | None = None
    ) -> None:
        error = error[:MAX_ERROR_LENGTH]
        if transient and row["attempts"] < self._settings.publish_max_attempts:
            delay = max(wait or 0.0, backoff(row["attempts"], self._settings))
            await self._record(
                row,
                {
                    "status": ReplyStatus.retrying.value,
                    "last_error": error,
                    "next_attempt_at": utcnow() + timedelta(seconds=delay),
                },
                "reply.retrying",
            )
            self._wake_at(delay)
            return
        if transient:
            error = f"{error} (gave up after {row['attempts']} attempts)"[:MAX_ERROR_LENGTH]
        await self._record(
            row,
            {"status": ReplyStatus.failed.value, "last_error": error, "next_attempt_at": None},
            "reply.failed",
        )

    async def _rate_limited(self, row: dict[str, Any], reason: str, until: datetime) -> None:
        """Wait for the account's budget to come back, without spending an attempt: the
        reply says until when, and the replies held so go out oldest first (they share the
        same due time, then the order of their ids)."""
        at = until.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        await self._record(
            row,
            {
                "status": ReplyStatus.retrying.value,
                "attempts": row["attempts"] - 1,
                "last_error": f"rate limited until {at}: {reason}"[:MAX_ERROR_LENGTH],
                "next_attempt_at": until,
            },
            "reply.retrying",
        )
        self._wake_at((until - utcnow()).total_seconds())

    def _wake_at(self, delay: float) -> None:
        """Look again when a retry falls due, if that is before the next poll."""
        if delay < self._settings.publish_poll_seconds:
            asyncio.get_running_loop().call_later(delay, self._wake.set)
