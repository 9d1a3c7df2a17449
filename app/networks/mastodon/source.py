"""A Mastodon source: the event's hashtags streamed from one or more servers.

One connection per (server, hashtag), each reconnecting by itself; the source is connected
when all are. After a reconnect (or a restart, from the cursor it reported) the hashtag
timeline from the last id seen fills the gap; the store's dedupe (network, uri) absorbs the
overlap. ``update`` adds, ``status.update`` edits, ``delete`` marks deleted.

Each connection takes its server's token afresh (credentials.py: the settings', else the
admin's connected account on that server); none left is a "credentials refused" state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

import httpx
import orjson
from pydantic import BaseModel, ConfigDict, Field

from app.common.time import utcnow
from app.config import Settings
from app.events.models import Network
from app.ingest.sources.base import (
    MentionDeleted,
    MentionEdited,
    MentionSource,
    SourceCheck,
    SourceContext,
    SourceKind,
)
from app.ingest.sources.stateful import (
    Clock,
    GapTracker,
    Ladder,
    Link,
    Links,
    RecentIds,
    Sleep,
    SourceState,
    StreamFailure,
    TieredBackoff,
    reconnect_forever,
    resumed_from,
)
from app.networks.mastodon import credentials
from app.networks.mastodon.client import MastodonClient
from app.networks.mastodon.parsing import NotAStatus, matches, normalise_tag, status_to_mention

logger = logging.getLogger(__name__)


class MastodonConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    servers: list[str] = Field(
        default_factory=list,
        description="Server URLs to listen on, each listed in CUEDESK_MASTODON_SERVERS or "
        "with a connected Mastodon account (empty: all of them).",
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Hashtags to follow besides the event's own (case does not matter).",
    )


def mastodon_backoff(settings: Settings) -> TieredBackoff:
    """Mastodon documents no reconnect rules: the same shape as X's, gentler on 429s (the
    reset header says when)."""
    return TieredBackoff(
        network=Ladder(first=1.0, cap=60.0, factor=2.0),
        http=Ladder(first=5.0, cap=320.0, factor=2.0),
        rate_limited=Ladder(first=60.0, cap=900.0, factor=2.0),
        refused_wait=settings.listen_refused_retry_seconds,
    )


class MastodonSource(MentionSource):
    def __init__(
        self,
        context: SourceContext,
        config: MastodonConfig,
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.context = context
        self.config = config
        self.settings: Settings = context.settings or Settings()
        self.clock = clock
        self.sleep = sleep
        self.tracked = {
            normalise_tag(tag) for tag in (*context.event.hashtags, *config.tags) if tag.strip()
        }
        self.state = SourceState(
            context.reporter, clock=clock, report_interval=self.settings.listen_state_report_seconds
        )
        self.links = Links(self.state, GapTracker(context.reporter, Network.mastodon, clock=clock))
        self.seen = RecentIds()
        self.uri_of: dict[str, RecentIds] = {}
        previous = context.previous_state.get("cursors")
        self.cursors: dict[str, str] = dict(previous) if isinstance(previous, dict) else {}

    async def servers(self) -> list[str]:
        """The servers asked for, or every one with a token; none (the accounts that gave
        them were removed since the start) waits as refused, looking again now and then."""
        if self.config.servers:
            return list(dict.fromkeys(map(credentials.normalise, self.config.servers)))
        while True:
            found = await credentials.servers_with_a_token(
                self.settings, self.context.credentials, self.context.event.id
            )
            if found:
                return found
            wait = self.settings.listen_refused_retry_seconds
            message = "credentials refused: no Mastodon server to listen on: "
            await self.state.failed(
                StreamFailure("refused", message + credentials.HOW_TO_GIVE_A_TOKEN), wait
            )
            await self.sleep(wait)

    async def run(self) -> None:
        if not self.tracked:
            raise ValueError("The event has no hashtag to follow on Mastodon.")
        await self.state.report()
        servers = await self.servers()
        timeout = httpx.Timeout(10.0, read=self.settings.mastodon_stream_read_timeout_seconds)
        async with httpx.AsyncClient(timeout=timeout) as http, asyncio.TaskGroup() as group:
            for server_url in servers:
                self.uri_of[server_url] = RecentIds()
                for tag in sorted(self.tracked):
                    group.create_task(self._follow(http, server_url, tag))

    async def _client(self, http: httpx.AsyncClient, server_url: str) -> MastodonClient:
        token = await credentials.token_for(
            server_url, self.settings, self.context.credentials, self.context.event.id
        )
        return MastodonClient(http, server_url, token)

    async def _follow(self, http: httpx.AsyncClient, server_url: str, tag: str) -> None:
        key = f"{server_url}#{tag}"
        link = self.links.link(key)
        # The connection's client (its token), which the back-fill on opening uses too.
        current: list[MastodonClient] = []

        async def session(opened: Any) -> None:
            client = await self._client(http, server_url)
            current[:] = [client]
            streaming = await client.streaming_url()
            async for event, data in client.hashtag_stream(streaming, tag, opened):
                await self.handle(server_url, key, event, data)

        async def on_open(reconnected: bool) -> None:
            since = self.cursors.get(key)
            if since is None:
                await link.back(False)
                return
            await self._backfill(current[0], tag, key, since, link)

        resumed = resumed_from(self.context.previous_state)
        if resumed is not None and key in self.cursors:
            # The server restarted: the time it was down is a gap the first connection fills.
            await link.lost(resumed)
        await reconnect_forever(
            session,
            state=link,
            backoff=mastodon_backoff(self.settings),
            on_open=on_open,
            on_lost=link.lost,
            clock=self.clock,
            sleep=self.sleep,
        )

    async def _backfill(
        self, client: MastodonClient, tag: str, key: str, since: str, link: Link
    ) -> None:
        try:
            statuses = await client.tag_timeline(
                tag, since, self.settings.listen_backfill_max_pages
            )
        except StreamFailure as exc:
            logger.warning("Mastodon back-fill of %s failed: %s", key, exc)
            await link.back(False)
            return
        for status in statuses:
            await self._status(client.server_url, key, status, edited=False)
        await link.back(True)

    async def handle(self, server_url: str, key: str, event: str, data: str) -> None:
        """One server-sent event of the hashtag stream."""
        if event == "delete":
            await self._deleted(server_url, data.strip())
            return
        if event not in ("update", "status.update"):
            await self.state.malformed_payload(data, f"unexpected event {event!r}")
            return
        try:
            status = orjson.loads(data)
        except orjson.JSONDecodeError:
            await self.state.malformed_payload(data, f"{event}: not JSON")
            return
        await self._status(server_url, key, status, edited=event == "status.update")

    async def _status(self, server_url: str, key: str, status: Any, *, edited: bool) -> None:
        try:
            mention = status_to_mention(status, server_url)
        except NotAStatus as exc:
            await self.state.malformed_payload(orjson.dumps(status).decode(), str(exc))
            return
        if not matches(status, self.tracked):
            return
        local_id = status.get("id")
        if isinstance(local_id, str):
            self.uri_of.setdefault(server_url, RecentIds()).add(local_id, mention.external_id)
            self.cursors[key] = local_id
        fresh = self.seen.add(mention.external_id)
        if fresh:
            await self.context.sink([mention])
            await self.state.items(1)
        if edited:
            at = _edited_at(status) or self.clock()
            await self.context.changes(
                [MentionEdited(Network.mastodon, mention.external_id, mention.text, at)]
            )
        await self.state.set_extra(cursors=self.cursors)

    async def _deleted(self, server_url: str, local_id: str) -> None:
        uri = self.uri_of.get(server_url, RecentIds()).get(local_id)
        if uri is None:
            return  # not one of ours, or seen before this process started
        await self.context.changes([MentionDeleted(Network.mastodon, uri, self.clock())])


def _edited_at(status: dict[str, Any]) -> datetime | None:
    value = status.get("edited_at")
    if not isinstance(value, str):
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return None


def build(context: SourceContext, config: MastodonConfig) -> MastodonSource:
    return MastodonSource(context, config)


async def check(started: SourceCheck, config: MastodonConfig) -> None:
    await credentials.check(started, config.servers)


MASTODON = SourceKind(name="mastodon", config_model=MastodonConfig, build=build, check=check)
