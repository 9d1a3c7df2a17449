"""A Bluesky source: the post firehose from Jetstream, filtered on our side by the event's
hashtags (facets and ``record.tags``) and keywords, authors from the public AppView.

One connection; after a reconnect (or a restart, from the cursor it reported) it resumes
from the last ``time_us`` seen, rewound a few seconds: Jetstream replays what was missed
(about 36 hours are kept) and the dedupe absorbs the overlap. A matching post waits in a
small batch for its author's profile (at most ``bluesky_profile_wait_seconds`` for the
batch to fill, then one AppView call of up to 25 actors); an author the AppView cannot
give goes with its DID as handle. Deletes and updates of the posts this process has
delivered are followed (marked deleted / edited).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field

from app.common.time import utcnow
from app.config import Settings
from app.events.models import Network
from app.ingest.sources.base import (
    MentionChange,
    MentionDeleted,
    MentionEdited,
    MentionSource,
    SourceContext,
    SourceKind,
)
from app.ingest.sources.stateful import (
    Clock,
    GapTracker,
    Ladder,
    RecentIds,
    Sleep,
    SourceState,
    TieredBackoff,
    reconnect_forever,
    resumed_from,
)
from app.mentions.schemas import AuthorIn, MentionIn
from app.networks.bluesky.appview import PROFILES_PER_CALL, ProfileBook
from app.networks.bluesky.filter import PostFilter
from app.networks.bluesky.jetstream import frames, subscribe_url
from app.networks.bluesky.parsing import Commit, NotAPost, commit_of, commit_to_mention, time_us_of

logger = logging.getLogger(__name__)

# A batch waits for its AppView call at most this long (then its authors go as DIDs).
PROFILE_CALL_TIMEOUT = 2.0


class BlueskyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tags: list[str] = Field(
        default_factory=list, description="Hashtags to follow besides the event's own."
    )


def bluesky_backoff(settings: Settings) -> TieredBackoff:
    """Jetstream documents no reconnect rules: quick at first (it is a public firehose, a
    drop is usually one host restarting), capped at a minute; 429s gentler."""
    return TieredBackoff(
        network=Ladder(first=1.0, cap=60.0, factor=2.0),
        http=Ladder(first=5.0, cap=320.0, factor=2.0),
        rate_limited=Ladder(first=60.0, cap=900.0, factor=2.0),
        refused_wait=settings.listen_refused_retry_seconds,
    )


def _jittered(sleep: Sleep) -> Sleep:
    """Each wait drawn from its upper half (as app.common.backoff does), so the hubs that
    lost the same host do not all come back at the same instant."""

    async def wait(seconds: float) -> None:
        await sleep(random.uniform(seconds / 2, seconds) if seconds > 0 else 0.0)

    return wait


class BlueskySource(MentionSource):
    def __init__(
        self,
        context: SourceContext,
        config: BlueskyConfig,
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.context = context
        self.settings: Settings = context.settings or Settings()
        self.clock = clock
        self.sleep = sleep
        self.filter = PostFilter((*context.event.hashtags, *config.tags), context.event.keywords)
        self.state = SourceState(
            context.reporter, clock=clock, report_interval=self.settings.listen_state_report_seconds
        )
        self.gaps = GapTracker(context.reporter, Network.bluesky, clock=clock)
        self.seen = RecentIds()  # the posts delivered: deletes and updates of these count
        cursor = context.previous_state.get("cursor")
        self.cursor: int | None = cursor if isinstance(cursor, int) else None
        self.pending: list[MentionIn] = []
        self.pending_changes: list[MentionChange] = []
        self._have_pending = asyncio.Event()
        self._batch_full = asyncio.Event()
        self.book: ProfileBook | None = None

    async def run(self) -> None:
        if self.filter.empty:
            raise ValueError("The event has no hashtag or keyword to follow on Bluesky.")
        await self.state.report()
        resumed = resumed_from(self.context.previous_state)
        if resumed is not None and self.cursor is not None:
            await self.gaps.open(resumed)  # the server was down: the cursor replays it
        async with (
            httpx.AsyncClient(timeout=PROFILE_CALL_TIMEOUT) as http,
            asyncio.TaskGroup() as group,
        ):
            self.book = ProfileBook(
                http,
                self.settings.bluesky_appview_url,
                ttl=self.settings.bluesky_profile_ttl_seconds,
            )
            group.create_task(self._deliver_forever())
            await reconnect_forever(
                self._session,
                state=self.state,
                backoff=bluesky_backoff(self.settings),
                on_open=self._on_open,
                on_lost=self.gaps.open,
                clock=self.clock,
                sleep=_jittered(self.sleep),
            )

    def resume_cursor(self) -> int | None:
        if self.cursor is None:
            return None
        return self.cursor - int(self.settings.bluesky_cursor_rewind_seconds * 1_000_000)

    async def _session(self, opened: Any) -> None:
        url = subscribe_url(self.settings.bluesky_jetstream_url, self.resume_cursor())
        timeout = self.settings.bluesky_stream_read_timeout_seconds
        async for frame in frames(url, opened, timeout):
            await self.handle(frame)

    async def _on_open(self, reconnected: bool) -> None:
        # The cursor replays the gap as the stream flows: it is covered once we resume.
        await self.gaps.close(backfilled=self.cursor is not None)

    async def handle(self, raw: bytes) -> None:
        """One frame: most are rejected by the raw pre-check before any parsing."""
        time_us = time_us_of(raw)
        # Never backwards: a replayed overlap or a stray frame must not rewind the cursor.
        if time_us is not None and (self.cursor is None or time_us > self.cursor):
            self.cursor = time_us
            self.state.extra["cursor"] = time_us  # reported with the next state
        if not self.filter.may_match(raw):
            return
        try:
            commit = commit_of(orjson.loads(raw))
        except orjson.JSONDecodeError:
            await self.state.malformed_payload(raw, "not JSON")
            return
        except NotAPost as exc:
            await self.state.malformed_payload(raw, str(exc))
            return
        if commit is None:
            return
        try:
            await self._commit(commit, time_us)
        except NotAPost as exc:
            await self.state.malformed_payload(raw, str(exc))

    async def _commit(self, commit: Commit, time_us: int | None) -> None:
        at = datetime.fromtimestamp(time_us / 1e6, UTC) if time_us else self.clock()
        known = commit.uri in self.seen
        if commit.operation == "delete":
            if known:
                await self._change(MentionDeleted(Network.bluesky, commit.uri, at))
            return
        if not known and not self.filter.matches(commit.record or {}):
            return
        mention = commit_to_mention(commit)
        if known and commit.operation == "update":
            await self._change(MentionEdited(Network.bluesky, commit.uri, mention.text, at))
            return
        if self.seen.add(commit.uri):
            await self._enqueue(mention)

    async def _change(self, change: MentionChange) -> None:
        """A change goes after the mentions waiting for their authors (it may be about one
        of them): the change sink finds a mention only once it is stored."""
        if self.pending:
            self.pending_changes.append(change)
        else:
            await self.context.changes([change])

    async def _enqueue(self, mention: MentionIn) -> None:
        assert self.book is not None
        known = self.book.cached(mention.author.handle)
        if known is not None and not self.pending:
            await self._deliver([mention], {})
            return
        self.pending.append(mention)
        self._have_pending.set()
        unknown = {
            m.author.handle for m in self.pending if self.book.cached(m.author.handle) is None
        }
        if len(unknown) >= PROFILES_PER_CALL:
            self._batch_full.set()

    async def _deliver_forever(self) -> None:
        assert self.book is not None
        while True:
            await self._have_pending.wait()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.bluesky_profile_wait_seconds):
                    await self._batch_full.wait()
            batch, self.pending = self.pending, []
            changes, self.pending_changes = self.pending_changes, []
            self._have_pending.clear()
            self._batch_full.clear()
            authors = await self.book.lookup(m.author.handle for m in batch)
            await self._deliver(batch, authors)
            if changes:
                await self.context.changes(changes)

    async def _deliver(self, batch: list[MentionIn], authors: dict[str, AuthorIn]) -> None:
        assert self.book is not None
        ready: list[MentionIn] = []
        for mention in batch:
            did = mention.author.handle
            author = authors.get(did) or self.book.cached(did)
            if isinstance(author, AuthorIn):
                mention = mention.model_copy(update={"author": author})
            ready.append(mention)
        await self.context.sink(ready)
        await self.state.items(len(ready))


def build(context: SourceContext, config: BlueskyConfig) -> BlueskySource:
    return BlueskySource(context, config)


BLUESKY = SourceKind(name="bluesky", config_model=BlueskyConfig, build=build)
