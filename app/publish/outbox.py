"""The outbox: every server process runs one worker that publishes due replies and posts.

Each kind of row it publishes is a :class:`OutboxQueue` (replies: app/replies/outbox.py;
posts: app/posts/outbox.py): a table with the outbox's columns (``status``, ``attempts``,
``next_attempt_at``, ``idempotency_key``, ``network``, ``text``, the outcome's columns) and
the few things that differ (what the row answers, when beyond its time it is due, what a
final failure also ends).

A row is due when it is ``queued`` or ``retrying`` and its ``next_attempt_at`` has come,
or when it is ``sending`` and its send deadline has passed (the process sending it went
away). A worker takes due rows with an UPDATE conditional on their still being due (a row
taken is ``sending`` with a deadline to come, so no longer due), under the event's journal
lock, so two workers never send the same row at once; it then calls the publisher with
the row's idempotency key and records the outcome, again conditionally on its own attempt,
so a late answer from a send presumed lost cannot undo a newer one.

Each step is journaled (``<noun>.sending``, ``.published``, ``.retrying``, ``.failed`` with
``{<noun>: public shape}``), so consoles show each row's fate as it happens.

Rows are sent side by side (a cue's thirty posts go out together), except in a lane (an
event's network: the account that posts for it) that met its budget: from a rate limit
until ``HELD_LANE_SECONDS`` after its reset, that lane's rows go out one at a time, oldest
due first, so the burst held for the budget leaves in the order it was written and its
sends cannot race each other past the budget again. (Per process: two processes may each
have one send of a held lane in flight.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.journal import service as journal
from app.publish.publishers import (
    Outgoing,
    Published,
    Publisher,
    Publishers,
    PublishFailed,
    send_seconds,
)
from app.publish.queue import Lane, OutboxQueue, backoff, due_rows, is_due

logger = logging.getLogger(__name__)

# The name the outbox registers its wake-up under (Database.wakers).
OUTBOX_WAKER = "outbox"
# Rows being sent at once by one process, at most (a cue of ten drafts on three networks
# is thirty posts, sent together).
BATCH = 50
MAX_ERROR_LENGTH = 1000
# How long the recorder waits for sends still out before it commits what came back: a
# cue's posts return within milliseconds of each other, and each commit is most of a
# post's recording cost.
RECORD_WINDOW = 0.02
# Ends the error of a row failed after its attempts ran out on transient failures: one of
# them may have posted (unlike a refusal), so only a resend with its key is safe.
GAVE_UP = " (gave up after"


def may_have_posted(last_error: str | None) -> bool:
    """Whether a failed row's attempts ran out rather than the network refusing it."""
    return last_error is not None and GAVE_UP in last_error


# How long after a rate limit's reset its lane still sends one row at a time: the burst
# it held drains in order before the lane runs side by side again.
HELD_LANE_SECONDS = 60.0


@dataclass(slots=True)
class _Outcome:
    queue: OutboxQueue
    row: dict[str, Any]
    values: dict[str, Any]
    verb: str
    final_failure: bool
    # A retry's wait, counted from when the outcome is written (not from when it came).
    retry_in: float | None
    future: asyncio.Future[None]


def _retrieved(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def _get_row(session: AsyncSession, table: Table, row_id: int) -> dict[str, Any]:
    row = (await session.execute(select(table).where(table.c.id == row_id))).mappings().one()
    return dict(row)


class Outbox:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        publishers: Publishers,
        queues: Sequence[OutboxQueue],
    ) -> None:
        self._db = db
        self._settings = settings
        self._publishers = publishers
        self._queues = tuple(queues)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()
        # (event id, network) of each send in flight, and the lanes held by a rate limit
        # (until when they send one row at a time).
        self._lanes: dict[asyncio.Task[None], tuple[int, str]] = {}
        self._held: dict[tuple[int, str], datetime] = {}
        self._outcomes: list[_Outcome] = []
        # Sends whose outcome is not yet handed to the recorder, and a signal for each one
        # that is (the recorder's window closes early once none is left).
        self._unanswered: set[asyncio.Task[None]] = set()
        self._outcome_added = asyncio.Event()
        self._recorder: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._db.wakers[OUTBOX_WAKER] = self._wake.set
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        # A send cut short here stays "sending" until its deadline, then is taken up again
        # (by this process after a restart, or by another) with the same key.
        tasks = [t for t in (self._task, self._recorder, *self._sends) if t is not None]
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
                logger.exception("publishing failed; retrying at the next poll")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.publish_poll_seconds):
                    await self._wake.wait()

    async def publish_due(self) -> int:
        """Take due rows and start sending them; returns how many were taken.

        Sends run on their own: a network that is slow to answer holds only its own rows,
        never the next pass. At most ``BATCH`` run at once.
        """
        count = 0
        # The rows of one lane in this pass share one look-up of their publisher (a cue's
        # thirty posts ask for three, not thirty).
        publishers: dict[Lane, asyncio.Task[Publisher]] = {}
        for queue in self._queues:
            room = BATCH - len(self._sends)
            if room <= 0:
                break
            for row, outgoing in await self._take_due(queue, utcnow(), room):
                lane = (row["event_id"], row["network"])
                if lane not in publishers:
                    lookup = self._publishers.for_event(row["network"], row["event_id"])
                    publishers[lane] = asyncio.create_task(lookup)
                    # Its failure is each send's to report; read here too, so a lane whose
                    # sends never asked leaves no "exception never retrieved".
                    publishers[lane].add_done_callback(_retrieved)
                name = f"{queue.noun}-send-{row['id']}"
                send = self._send(queue, row, outgoing, publishers[lane])
                task = asyncio.create_task(send, name=name)
                self._sends.add(task)
                self._unanswered.add(task)
                self._lanes[task] = (row["event_id"], row["network"])
                task.add_done_callback(self._sent)
                count += 1
        return count

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sends.discard(task)
        self._unanswered.discard(task)
        self._lanes.pop(task, None)
        self._wake.set()  # room for another send, or the next post of a thread
        if not task.cancelled() and task.exception() is not None:
            logger.error("sending failed", exc_info=task.exception())

    # -- taking -----------------------------------------------------------------------------

    async def _take_due(
        self, queue: OutboxQueue, now: datetime, limit: int
    ) -> list[tuple[dict[str, Any], Outgoing]]:
        self._held = {lane: until for lane, until in self._held.items() if until > now}
        async with self._db.read_session() as session:
            result = await session.execute(
                due_rows(queue, now, limit, self._held, set(self._lanes.values()))
            )
            by_event: dict[int, list[int]] = {}
            for row in result:
                by_event.setdefault(row.event_id, []).append(row.id)
        taken: list[tuple[dict[str, Any], Outgoing]] = []
        for event_id, row_ids in by_event.items():
            # One transaction (one journal lock, one write) takes the event's due rows.
            taken.extend(await self._take_of_event(queue, now, event_id, row_ids))
        return taken

    async def _take_of_event(
        self, queue: OutboxQueue, now: datetime, event_id: int, row_ids: list[int]
    ) -> list[tuple[dict[str, Any], Outgoing]]:
        """Take the event's due rows in one conditional UPDATE: a row another worker took
        meanwhile (or that is no longer due) is not due any more when the UPDATE reaches
        it, so it is left out; the rows it returns are ours."""
        table = queue.table
        # One presumed-lost send gets twice the call's timeout before another worker may
        # take it: the first worker's call has surely ended by then.
        deadline = now + timedelta(seconds=2 * self._settings.publish_send_timeout_seconds)
        taken: list[tuple[dict[str, Any], Outgoing]] = []
        async with self._db.transaction() as session:
            try:
                last_seq = await journal.lock_counter(session, event_id)
            except NotFound:
                return []  # the event was deleted, with its rows
            result = await session.execute(
                update(table)
                .where(table.c.id.in_(row_ids), is_due(queue, now))
                .values(status="sending", attempts=table.c.attempts + 1, next_attempt_at=deadline)
                .returning(*table.c)
            )
            rows = sorted((dict(row) for row in result.mappings()), key=lambda r: r["id"])
            entries: list[journal.NewEntry] = []
            for row in rows:
                public = await queue.public_of(session, row)
                entries.append(journal.NewEntry(f"{queue.noun}.sending", {queue.noun: public}))
                outgoing = await queue.outgoing(session, row)
                if outgoing.images:  # its uploads get their time before it is presumed lost
                    longer = send_seconds(outgoing, self._settings.publish_send_timeout_seconds)
                    await session.execute(
                        update(table)
                        .where(table.c.id == row["id"])
                        .values(next_attempt_at=now + timedelta(seconds=2 * longer))
                    )
                taken.append((row, outgoing))
            await journal.write(session, event_id, last_seq, entries)
        return taken

    # -- sending ----------------------------------------------------------------------------

    async def _send(
        self,
        queue: OutboxQueue,
        row: dict[str, Any],
        post: Outgoing,
        publisher_of_lane: asyncio.Task[Publisher],
    ) -> None:
        if post.refused is not None:
            await self._failed(queue, row, post.refused, transient=False)
            return
        try:
            # Shielded: one send cancelled does not cancel its lane's look-up for the others.
            publisher = await asyncio.shield(publisher_of_lane)
            async with asyncio.timeout(
                send_seconds(post, self._settings.publish_send_timeout_seconds)
            ):
                published = await publisher.publish(post)
        except PublishFailed as exc:
            if exc.rate_limited_until is not None:
                until = exc.rate_limited_until
                at = until.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
                await self._deferred(queue, row, f"rate limited until {at}: {exc}", until)
                lane = (row["event_id"], row["network"])
                self._held[lane] = until + timedelta(seconds=HELD_LANE_SECONDS)
                return
            if exc.not_before is not None:
                await self._deferred(queue, row, str(exc), exc.not_before)
                return
            await self._failed(queue, row, str(exc), transient=exc.transient, wait=exc.retry_after)
            return
        except TimeoutError:
            await self._failed(queue, row, "the network did not answer in time", transient=True)
            return
        except Exception as exc:
            # A fault of ours or an unforeseen answer: keep the row and try again later.
            logger.exception("publishing %s %s failed unexpectedly", queue.noun, row["id"])
            await self._failed(queue, row, f"unexpected error: {exc!r}", transient=True)
            return
        await self._published(queue, row, published)

    async def _record(
        self,
        queue: OutboxQueue,
        row: dict[str, Any],
        values: dict[str, Any],
        verb: str,
        *,
        final_failure: bool = False,
        retry_in: float | None = None,
    ) -> None:
        """Write the outcome of our attempt, unless the row moved on without us.

        Outcomes that finish together are written together (one transaction and one
        journal write per event): a cue's thirty posts come back from the networks at
        about the same time, and thirty commits in a row would be most of their latency."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        outcome = _Outcome(queue, row, values, verb, final_failure, retry_in, future)
        self._outcomes.append(outcome)
        self._unanswered.discard(asyncio.current_task())
        self._outcome_added.set()
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_pending(), name="outbox-record")
        await asyncio.shield(future)

    async def _record_pending(self) -> None:
        while self._outcomes:
            await self._wait_for_the_rest()
            pending, self._outcomes = self._outcomes, []
            by_event: dict[int, list[_Outcome]] = {}
            for outcome in pending:
                by_event.setdefault(outcome.row["event_id"], []).append(outcome)
            for event_id, outcomes in by_event.items():
                try:
                    await self._record_of_event(event_id, outcomes)
                except Exception as exc:
                    for outcome in outcomes:
                        if not outcome.future.done():
                            outcome.future.set_exception(exc)
                else:
                    for outcome in outcomes:
                        if not outcome.future.done():
                            outcome.future.set_result(None)

    async def _wait_for_the_rest(self) -> None:
        """Wait up to ``RECORD_WINDOW`` while sends are still out, so that outcomes coming
        back together share one commit; at once when every send has answered."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECORD_WINDOW
        while self._unanswered and (remaining := deadline - loop.time()) > 0:
            self._outcome_added.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._outcome_added.wait()

    async def _record_of_event(self, event_id: int, outcomes: list[_Outcome]) -> None:
        async with self._db.transaction() as session:
            try:
                last_seq = await journal.lock_counter(session, event_id)
            except NotFound:
                return
            entries: list[journal.NewEntry] = []
            failed: list[_Outcome] = []
            for outcome in outcomes:
                queue, row = outcome.queue, outcome.row
                table = queue.table
                values = dict(outcome.values)
                if outcome.retry_in is not None:
                    values["next_attempt_at"] = utcnow() + timedelta(seconds=outcome.retry_in)
                result = await session.execute(
                    update(table)
                    .where(
                        table.c.id == row["id"],
                        table.c.status == "sending",
                        table.c.attempts == row["attempts"],
                    )
                    .values(**values)
                    .returning(*table.c)
                )
                recorded = result.mappings().one_or_none()
                if recorded is None:
                    logger.warning(
                        "%s %s moved on while attempt %s ran",
                        queue.noun,
                        row["id"],
                        row["attempts"],
                    )
                    continue
                # The row as now written: a queue whose shape is the row's needs no read.
                public = await queue.public_of(session, dict(recorded))
                entries.append(
                    journal.NewEntry(f"{queue.noun}.{outcome.verb}", {queue.noun: public})
                )
                if outcome.final_failure:
                    failed.append(outcome)
            await journal.write(session, event_id, last_seq, entries)
            # After the write: these append entries of their own, after ours.
            for outcome in failed:
                await outcome.queue.after_failure(session, outcome.row)

    async def _published(self, queue: OutboxQueue, row: dict[str, Any], done: Published) -> None:
        await self._record(
            queue,
            row,
            {
                "status": "published",
                "external_id": done.external_id,
                "external_url": done.external_url,
                "dry_run": done.dry_run,
                "published_at": utcnow(),
                "next_attempt_at": None,
                "last_error": None,
            },
            "published",
        )

    async def _failed(
        self,
        queue: OutboxQueue,
        row: dict[str, Any],
        error: str,
        *,
        transient: bool,
        wait: float | None = None,
    ) -> None:
        error = error[:MAX_ERROR_LENGTH]
        if transient and row["attempts"] < self._settings.publish_max_attempts:
            delay = max(wait or 0.0, backoff(row["attempts"], self._settings))
            await self._record(
                queue,
                row,
                {"status": "retrying", "last_error": error},
                "retrying",
                retry_in=delay,
            )
            self._wake_at(delay)
            return
        if transient:
            error = f"{error}{GAVE_UP} {row['attempts']} attempts)"[:MAX_ERROR_LENGTH]
        await self._record(
            queue,
            row,
            {"status": "failed", "last_error": error, "next_attempt_at": None},
            "failed",
            final_failure=True,
        )

    async def _deferred(
        self, queue: OutboxQueue, row: dict[str, Any], why: str, until: datetime
    ) -> None:
        """Come back at ``until`` without spending an attempt (nothing was sent): the row
        says why, and rows held so (an account's budget spent) go out oldest first (they
        share the same due time, then the order of their ids)."""
        await self._record(
            queue,
            row,
            {
                "status": "retrying",
                "attempts": row["attempts"] - 1,
                "last_error": why[:MAX_ERROR_LENGTH],
                "next_attempt_at": until,
            },
            "retrying",
        )
        self._wake_at((until - utcnow()).total_seconds())

    def _wake_at(self, delay: float) -> None:
        """Look again when a retry falls due, if that is before the next poll."""
        if delay < self._settings.publish_poll_seconds:
            asyncio.get_running_loop().call_later(delay, self._wake.set)
