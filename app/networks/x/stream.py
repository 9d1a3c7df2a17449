"""The one filtered-stream connection of this server, shared by every X source.

A pay-per-use app gets one stream connection (a second closes the first), so each X
source subscribes here with its event's rules; the hub keeps the app's rules in step with
the subscribers (tagged ``cuedesk-event-<id>``), reads the stream, and hands each post to
the subscribers of the event its rule names. After any reconnect, recent search from each
subscriber's last id fills its gap. The bearer token is read at each connection and rules
sync (credentials.py: the settings', else the admin's store).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import httpx
import orjson

from app.common.time import utcnow
from app.config import Settings
from app.events.models import Network
from app.ingest.sources.base import Credentials, MentionEdited, SourceContext, no_credentials
from app.ingest.sources.stateful import (
    Clock,
    GapTracker,
    Sleep,
    SourceState,
    StreamFailure,
    reconnect_forever,
)
from app.networks.x import credentials as x_credentials
from app.networks.x import rules as x_rules
from app.networks.x.client import XClient
from app.networks.x.limits import ReadCounter, x_backoff
from app.networks.x.parsing import NotAPost, XPost, search_page, stream_errors, stream_line

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Subscriber:
    """One X source as the hub sees it."""

    context: SourceContext
    state: SourceState
    gaps: GapTracker
    values: list[str]
    last_id: int | None = None
    seen: set[str] = field(default_factory=set)

    @property
    def event_id(self) -> int:
        return self.context.event.id

    async def take(self, posts: list[XPost]) -> None:
        fresh = [post for post in posts if post.version_id not in self.seen]
        if not fresh:
            return
        for post in fresh:
            self.seen.add(post.version_id)
            version = int(post.version_id) if post.version_id.isdigit() else None
            if version is not None and (self.last_id is None or version > self.last_id):
                self.last_id = version
        if len(self.seen) > 100_000:
            self.seen.clear()  # the store's dedupe takes over for the older ones
        await self.context.sink([post.mention for post in fresh])
        edits = [
            MentionEdited(Network.x, post.mention.external_id, post.mention.text, post.edited_at)
            for post in fresh
            if post.edited_at is not None
        ]
        if edits:
            await self.context.changes(edits)
        await self.state.items(len(fresh))


class XStreamHub:
    def __init__(
        self,
        settings: Settings,
        credentials: Credentials = no_credentials,
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.credentials = credentials
        self.clock = clock
        self.sleep = sleep
        timeout = httpx.Timeout(10.0, read=settings.x_stream_read_timeout_seconds)
        self._http = httpx.AsyncClient(timeout=timeout)
        self._client: XClient | None = None
        self.reads = ReadCounter(settings.x_monthly_read_cap)
        self.subscribers: list[Subscriber] = []
        self._rule_events: dict[str, int] = {}
        self._rules_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._live = False

    # Subscribers

    async def join(self, subscriber: Subscriber) -> None:
        self.reads.seed(subscriber.context.previous_state, self.clock())
        previous = subscriber.context.previous_state.get("last_id")
        if isinstance(previous, str) and previous.isdigit():
            subscriber.last_id = int(previous)
        self.subscribers.append(subscriber)
        try:
            await self.sync_rules()
        except BaseException:
            self.subscribers.remove(subscriber)
            raise
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="x-filtered-stream")
        elif self._live:
            await subscriber.state.connected()
            if subscriber.gaps.open_since is not None:
                await subscriber.gaps.close(await self._backfill(subscriber))

    async def leave(self, subscriber: Subscriber) -> None:
        with contextlib.suppress(ValueError):
            self.subscribers.remove(subscriber)
        if not self.subscribers:
            await self._stop_stream()
        try:
            await self.sync_rules()
        except Exception:
            # The rule stays until the next sync (the next source that joins or leaves).
            logger.warning("could not remove a stopped source's stream rules", exc_info=True)

    async def aclose(self) -> None:
        await self._stop_stream()
        await self._http.aclose()

    async def client(self) -> XClient:
        """A client with the current bearer token (a new one when the token changed)."""
        token = await x_credentials.bearer_token(self.settings, self.credentials)
        if self._client is None or self._client.bearer_token != token:
            self._client = XClient(self._http, self.settings.x_api_url, token)
        return self._client

    async def _stop_stream(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._live = False

    # Rules

    async def sync_rules(self) -> None:
        """Make the app's tagged rules exactly the subscribers' (rules not tagged by Cuedesk
        are left alone)."""
        async with self._rules_lock:
            wanted = {
                (value, x_rules.event_tag(sub.event_id))
                for sub in self.subscribers
                for value in sub.values
            }
            client = await self.client()
            current = await client.rules()
            ours = [rule for rule in current if x_rules.event_of(rule.get("tag")) is not None]
            stale = [
                str(rule["id"])
                for rule in ours
                if (rule.get("value"), rule.get("tag")) not in wanted
            ]
            have = {(rule.get("value"), rule.get("tag")) for rule in ours}
            missing = [{"value": value, "tag": tag} for value, tag in sorted(wanted - have)]
            if stale:
                await client.change_rules({"delete": {"ids": stale}})
            if missing:
                answer = await client.change_rules({"add": missing})
                for error in (answer or {}).get("errors") or ():
                    logger.error("X refused a stream rule: %s", error)
            rules = await client.rules() if stale or missing else current
            self._rule_events = {
                str(rule["id"]): event
                for rule in rules
                if (event := x_rules.event_of(rule.get("tag"))) is not None and "id" in rule
            }

    # The connection

    async def _run(self) -> None:
        await reconnect_forever(
            self._session,
            state=self,
            backoff=x_backoff(self.settings),
            on_open=self._opened,
            on_lost=self._lost,
            clock=self.clock,
            sleep=self.sleep,
        )

    async def connected(self) -> None:
        self._live = True
        for sub in list(self.subscribers):
            await sub.state.connected()

    async def failed(self, failure: StreamFailure, retry_in: float) -> None:
        self._live = False
        for sub in list(self.subscribers):
            await sub.state.failed(failure, retry_in)

    async def _lost(self) -> None:
        for sub in list(self.subscribers):
            await sub.gaps.open()

    async def _opened(self, reconnected: bool) -> None:
        for sub in list(self.subscribers):
            if sub.gaps.open_since is not None:
                await sub.gaps.close(await self._backfill(sub))

    async def _session(self, opened: object) -> None:
        client = await self.client()
        async for line in client.stream_lines(opened):  # type: ignore[arg-type]
            if line.strip():
                await self._line(line)

    async def _line(self, line: str) -> None:
        try:
            payload = orjson.loads(line)
        except orjson.JSONDecodeError:
            await self._malformed(line, "not JSON")
            return
        errors = stream_errors(payload)
        if errors:
            logger.warning("X stream error: %s", "; ".join(errors))
            return
        try:
            post = stream_line(payload)
        except NotAPost as exc:
            await self._malformed(line, str(exc))
            return
        now = self.clock()
        self.reads.add(1, now)
        events = {x_rules.event_of(tag) for tag in post.rule_tags}
        events |= {self._rule_events.get(rule_id) for rule_id in post.rule_ids}
        for sub in list(self.subscribers):
            if sub.event_id in events:
                await sub.take([post])
            await sub.state.set_extra(**self.reads.figures(), last_id=_str(sub.last_id))

    async def _malformed(self, line: str, reason: str) -> None:
        for sub in list(self.subscribers):
            await sub.state.malformed_payload(line, reason)

    async def _backfill(self, sub: Subscriber) -> bool:
        """Recent search since the subscriber's last id; answers whether it covered the gap
        (no last id to start from, or a failure, leaves it open-ended: False)."""
        if sub.last_id is None:
            return False
        since = str(sub.last_id)
        try:
            client = await self.client()
            for value in sub.values:
                token: str | None = None
                for _page in range(self.settings.listen_backfill_max_pages):
                    posts, bad, token = search_page(await client.recent(value, since, token))
                    self.reads.add(len(posts), self.clock())
                    for raw in bad:
                        await sub.state.malformed_payload(raw, "recent search: not a post")
                    await sub.take(posts)
                    if token is None:
                        break
        except StreamFailure as exc:
            logger.warning("X back-fill for event %s failed: %s", sub.event_id, exc)
            return False
        await sub.state.set_extra(**self.reads.figures(), last_id=_str(sub.last_id))
        return True


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)
