"""What ``GET /metrics`` reports, in Prometheus' text format (through ``prometheus_client``).

Two kinds of figures. Counters and histograms live here, at module level, and the hot paths
only ever call ``.inc()`` or ``.observe()`` on them. Everything that is a *state* (sockets
open, mentions waiting, replies queued or failed) is read from the running app at scrape
time instead, so nothing has to keep a gauge in step with it.

Each server process has its own figures: Prometheus scrapes every process separately (the
usual setup behind a proxy, see compose.yaml) and ``sum()`` adds them up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlmodel import col
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.replies.models import Reply, ReplyStatus

logger = logging.getLogger(__name__)

# Each counter's *_created series (its creation time) only doubles the output.
disable_created_metrics()

# The label of a request that matched no route: unknown paths must not become series.
UNMATCHED_ROUTE = "unmatched"
# The outbox's rows that still need something: waiting, in flight, or given up on.
OUTBOX_STATUSES = (
    ReplyStatus.queued,
    ReplyStatus.sending,
    ReplyStatus.retrying,
    ReplyStatus.failed,
)
# A scrape must answer even when the database hangs: the outbox figures are then left out.
OUTBOX_QUERY_TIMEOUT_SECONDS = 2.0

HTTP_REQUESTS = Counter(
    "cuedesk_http_requests",
    "HTTP requests answered, by route template, method and status class.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "cuedesk_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
INGEST_MENTIONS = Counter(
    "cuedesk_ingest_mentions",
    "Mentions stored (committed), from the sources and the ingest API; duplicates excluded.",
)
INGEST_LAG = Histogram(
    "cuedesk_ingest_lag_seconds",
    "How long the oldest mention of each batch waited between a source handing it over "
    "and its batch being written.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
STREAM_FRAMES_SENT = Counter(
    "cuedesk_stream_frames_sent",
    "Frames of any kind (entries, presence, heartbeats, replies) sent to console sockets.",
)
STREAM_ENTRIES_SENT = Counter(
    "cuedesk_stream_entries_sent",
    "Journal entries delivered to console sockets (one entry sent to three consoles is 3).",
)
BROKER_ERRORS = Counter(
    "cuedesk_broker_errors",
    "Broker failures: publishing journal entries or presence, or the listener losing the "
    "broker. Consoles then catch up from the journal.",
    ["operation"],
)


def count_committed(entries: Iterable[dict[str, Any]]) -> None:
    """Count what a commit stored (called once per commit with its journal entries)."""
    mentions = sum(1 for entry in entries if entry["type"] == "mention.received")
    if mentions:
        INGEST_MENTIONS.inc(mentions)


class RequestMetrics:
    """ASGI middleware: counts and times each HTTP request under its route's template
    (``/api/events/{event_id}``), never its raw path, so ids cannot multiply the series."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path = scope.get("root_path", "")
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            route = route_template(scope, root_path)
            method = scope["method"]
            HTTP_REQUESTS.labels(method, route, f"{status // 100}xx").inc()
            HTTP_REQUEST_DURATION.labels(method, route).observe(time.perf_counter() - started)


def route_template(scope: Scope, root_path: str) -> str:
    """The path template of the route that took the request, which the router notes in the
    scope; a mount (``/static``) notes only its prefix, added to the root path, and becomes
    ``/static/{path}``. Our mounts' prefixes are fixed strings, so they cannot multiply."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    mounted = scope.get("root_path", "")
    if len(mounted) > len(root_path) and mounted.startswith(root_path):
        return f"{mounted[len(root_path) :]}/{{path}}"
    return UNMATCHED_ROUTE


@dataclass
class LiveState:
    """The app's state at one scrape."""

    sockets_by_event: dict[int, int] = field(default_factory=dict)
    ingest_queued: int = 0
    runs_sources: bool = False
    # None when the database could not be asked in time.
    outbox_by_status: dict[str, int] | None = None


class LiveStateCollector(Collector):
    def __init__(self, state: LiveState) -> None:
        self._state = state

    def collect(self) -> Iterator[Metric]:
        state = self._state
        sockets = GaugeMetricFamily(
            "cuedesk_stream_open_sockets",
            "Console websockets open on this process, by event.",
            labels=["event_id"],
        )
        for event_id, count in sorted(state.sockets_by_event.items()):
            sockets.add_metric([str(event_id)], count)
        yield sockets
        yield GaugeMetricFamily(
            "cuedesk_ingest_queue_depth",
            "Mentions handed over by this process's sources and not yet written.",
            value=state.ingest_queued,
        )
        yield GaugeMetricFamily(
            "cuedesk_sources_leader",
            "1 if this process runs the sources (only one process does), else 0.",
            value=int(state.runs_sources),
        )
        if state.outbox_by_status is not None:
            outbox = GaugeMetricFamily(
                "cuedesk_outbox_replies",
                "Replies in the outbox by status: queued, sending, retrying, or failed "
                "(given up on; the console offers a retry).",
                labels=["status"],
            )
            for status in OUTBOX_STATUSES:
                outbox.add_metric([status.value], state.outbox_by_status.get(status.value, 0))
            yield outbox


async def read_live_state(app: FastAPI) -> LiveState:
    state = LiveState(
        sockets_by_event=app.state.hubs.socket_counts(),
        ingest_queued=app.state.sources.batcher.pending,
        runs_sources=app.state.sources.is_leader,
    )
    try:
        async with asyncio.timeout(OUTBOX_QUERY_TIMEOUT_SECONDS):
            state.outbox_by_status = await _count_outbox(app)
    except Exception:
        logger.warning(
            "metrics: counting the outbox failed; it is left out of this scrape", exc_info=True
        )
    return state


async def _count_outbox(app: FastAPI) -> dict[str, int]:
    # One index range scan (ix_reply_status_next_attempt_at starts with status); published
    # replies, the bulk of the table, are never read.
    query = (
        select(col(Reply.status), func.count())
        .where(col(Reply.status).in_([status.value for status in OUTBOX_STATUSES]))
        .group_by(col(Reply.status))
    )
    async with app.state.db.read_session() as session:
        rows = (await session.execute(query)).all()
    return {status: count for status, count in rows}


async def render(app: FastAPI) -> bytes:
    """This process's counters, the runtime's own (CPU, memory, GC), then the live state."""
    live = CollectorRegistry(auto_describe=False)
    live.register(LiveStateCollector(await read_live_state(app)))
    return generate_latest(REGISTRY) + generate_latest(live)
