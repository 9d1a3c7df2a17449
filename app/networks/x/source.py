"""An X source: the event's share of the one filtered-stream connection (see stream.py),
its rules kept in step with the event's hashtags and keywords."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.common.time import utcnow
from app.config import Settings
from app.events.models import Network
from app.ingest.sources.base import MentionSource, SourceCheck, SourceContext, SourceKind
from app.ingest.sources.stateful import (
    Clock,
    GapTracker,
    Sleep,
    SourceState,
    StreamFailure,
    resumed_from,
)
from app.networks.x import credentials as x_credentials
from app.networks.x.limits import x_backoff
from app.networks.x.rules import rule_values
from app.networks.x.stream import Subscriber, XStreamHub

HUB_KEY = "x-filtered-stream"


class XConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include_retweets: bool = Field(
        default=False,
        description="Also deliver retweets (each costs a read; recent search has returned "
        "none since 2026-05-04, so a gap's back-fill cannot bring them back).",
    )


class XSource(MentionSource):
    def __init__(
        self,
        context: SourceContext,
        config: XConfig,
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.context = context
        self.config = config
        self.settings: Settings = context.settings or Settings()
        self.clock = clock
        self.sleep = sleep
        interval = self.settings.listen_state_report_seconds
        self.state = SourceState(context.reporter, clock=clock, report_interval=interval)
        self.gaps = GapTracker(context.reporter, Network.x, clock=clock)

    def hub(self) -> XStreamHub:
        hub: XStreamHub = self.context.resources.get_or_create(
            HUB_KEY,
            # The first source's context makes it; every context of a manager holds the
            # same credentials.
            lambda: XStreamHub(
                self.settings, self.context.credentials, clock=self.clock, sleep=self.sleep
            ),
            XStreamHub.aclose,
        )
        return hub

    async def run(self) -> None:
        values = rule_values(self.context.event, include_retweets=self.config.include_retweets)
        if not values:
            raise ValueError("The event has no hashtag or keyword to follow on X.")
        hub = self.hub()
        self.state.extra.update(hub.reads.figures())
        await self.state.report()
        subscriber = Subscriber(self.context, self.state, self.gaps, values)
        resumed = resumed_from(self.context.previous_state)
        if resumed is not None and self.context.previous_state.get("last_id"):
            # The server restarted: the time it was down is a gap the first connection fills.
            await self.gaps.open(resumed)
        await self._join(hub, subscriber)
        try:
            await self._follow_event(hub, subscriber)
        finally:
            await asyncio.shield(hub.leave(subscriber))

    async def _join(self, hub: XStreamHub, subscriber: Subscriber) -> None:
        """Join the stream, its rules set; a refused token or an outage waits as X asks."""
        backoff = x_backoff(self.settings)
        while True:
            try:
                await hub.join(subscriber)
                return
            except StreamFailure as failure:
                delay = backoff.delay(failure, self.clock(), False)
                await self.state.failed(failure, delay)
                await self.sleep(delay)

    async def _follow_event(self, hub: XStreamHub, subscriber: Subscriber) -> None:
        """Keep the rules in step with the event's hashtags and keywords."""
        reload = self.context.reload_event
        if reload is None:
            await asyncio.Event().wait()
            return
        while True:
            await asyncio.sleep(self.settings.x_rules_refresh_seconds)
            event = await reload()
            values = rule_values(event, include_retweets=self.config.include_retweets)
            if values and values != subscriber.values:
                subscriber.values = values
                await hub.sync_rules()


def build(context: SourceContext, config: Any) -> XSource:
    return XSource(context, config)


async def check(started: SourceCheck, config: XConfig) -> None:
    await x_credentials.check(started)


X = SourceKind(name="x", config_model=XConfig, build=build, check=check)
