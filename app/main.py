"""The application factory. The lifespan owns the database, the broker and the sources."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

# Every table registered before the first query: the ORM resolves a foreign key to a table
# no code path has imported yet (draft.cue_id → cue) only when its model is known.
import app.models  # noqa: F401
from app import migrate
from app.accounts.crypto import Vault
from app.accounts.listening import store_credentials
from app.accounts.publishing import AccountPublishers
from app.accounts.router import router as accounts_router
from app.auth import service as auth
from app.auth.router import router as auth_router
from app.broker import create_broker
from app.common import log_redaction
from app.common.body_limit import BodyLimit
from app.common.http_errors import ERROR_RESPONSES, install_error_handlers
from app.common.time import utcnow
from app.config import Settings, get_settings
from app.console.accounts_page import router as accounts_page_router
from app.console.replay_page import router as replay_page_router
from app.console.router import FRONTEND_DIR, console_manifest
from app.console.router import router as console_router
from app.cues.router import router as cues_router
from app.cues.schedule import CueScheduler
from app.db import Database
from app.drafts.attachment_routes import router as attachments_router
from app.drafts.router import router as drafts_router
from app.events.router import router as events_router
from app.ingest.manager import SourceManager
from app.ingest.router import imports_router
from app.ingest.router import router as sources_router
from app.ingest.sources import SourceKind
from app.journal.router import router as journal_router
from app.mentions import answerable, collapse
from app.mentions.router import router as mentions_router
from app.networks import eligibility
from app.networks.kinds import NETWORK_KINDS
from app.ops import metrics
from app.ops.docs import mount_docs
from app.ops.router import router as ops_router
from app.posts.outbox import PostQueue
from app.posts.router import router as posts_router
from app.publish.outbox import Outbox
from app.replay.index import ReplayIndexer
from app.replay.router import router as replay_router
from app.replies import length
from app.replies.outbox import REPLY_QUEUE
from app.replies.router import router as replies_router
from app.reports.router import router as reports_router
from app.stream.access import AccessGuard
from app.stream.router import hub_registry, login_role
from app.stream.router import router as stream_router
from app.triage.router import router as triage_router
from app.triage.sweeper import ClaimSweeper

logger = logging.getLogger(__name__)
# Objects the youngest generation may gain before the garbage collector runs (default 700).
GC_YOUNG_THRESHOLD = 10_000


def create_app(
    settings: Settings | None = None,
    *,
    source_kinds: Sequence[SourceKind] = (),
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The app; ``source_kinds`` adds kinds of source to the built-in ones; ``clock`` is
    the cue scheduler's (tests move it across a restart)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.database_url_resolved
        if url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.migrate_on_start:
            await migrate.upgrade(url)
        broker = create_broker(settings.broker_url, settings.broker_namespace)
        await broker.connect()

        def publish(entries: list[dict[str, Any]]) -> None:
            metrics.count_committed(entries)
            by_event: dict[int, list[dict[str, Any]]] = {}
            for entry in entries:
                by_event.setdefault(entry["event_id"], []).append(entry)
            for event_id, items in by_event.items():
                broker.offer(f"event:{event_id}", items)

        db = Database(url, publisher=publish)
        collapse.configure(db, enabled=settings.flood_collapse)
        answerable.use_rules(db, eligibility.check)
        # The networks' kinds come from app.networks and the credentials from the admin's
        # store (asked by network name): the ingest package knows no network.
        kinds = (*NETWORK_KINDS, *source_kinds)
        credentials = store_credentials(db, Vault.from_settings(settings))
        sources = SourceManager(db, settings, extra_kinds=kinds, credentials=credentials)
        hubs = hub_registry(settings, db, broker)
        access = AccessGuard(broker, functools.partial(login_role, db))
        db.signals[auth.ACCESS_ENDED] = access.announce
        app.state.hubs = hubs
        app.state.access = access
        app.state.settings = settings
        app.state.db = db
        app.state.broker = broker
        app.state.sources = sources
        sweeper = ClaimSweeper(db, settings.claim_sweep_seconds)
        app.state.sweeper = sweeper
        publishers = AccountPublishers(settings, db)
        app.state.publishers = publishers
        outbox = Outbox(db, settings, publishers, [REPLY_QUEUE, PostQueue(settings.data_dir)])
        scheduler = CueScheduler(db, settings, clock)
        replay_indexer = ReplayIndexer(db)
        length.warm_up()
        log_redaction.install()
        await access.start()
        await sources.start()
        await sweeper.start()
        await outbox.start()
        await scheduler.start()
        await replay_indexer.start()
        # Everything built at start-up lives as long as the process. Moving it out of the
        # collector's reach shortens the full collections that otherwise stall the event
        # loop for ~100 ms several times a minute under load (bench/stream.py's p99).
        gc.collect()
        gc.freeze()
        # Ingest allocates some thirty objects a mention that die young by reference count;
        # at the default threshold (700) the collector ran every twenty-odd mentions, a
        # tenth of the ingest service's CPU or more (docs/benchmarks.md). Cycles are rare
        # here, so collecting less often keeps little garbage longer.
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            await scheduler.stop()
            await replay_indexer.stop()
            await outbox.stop()
            await sweeper.stop()
            await sources.stop()
            await hubs.stop()
            await access.stop()
            await broker.disconnect()
            await db.dispose()

    app = FastAPI(
        title="Cuedesk",
        version="0.1.0",
        description="Live-event social console: live feed, triage, cues and replay.",
        lifespan=lifespan,
        # Replaced by pages that load Swagger UI and Redoc from this server (app/ops/docs.py).
        docs_url=None,
        redoc_url=None,
        responses=ERROR_RESPONSES,
    )
    # Outermost last: the metrics see every answer, the body limit's 413s included.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(metrics.RequestMetrics)
    app.state.settings = settings
    app.state.console_manifest = console_manifest(settings.console_dist_dir)
    install_error_handlers(app)
    app.include_router(auth_router)
    app.include_router(events_router)
    app.include_router(mentions_router)
    app.include_router(triage_router)
    app.include_router(replies_router)
    app.include_router(drafts_router)
    app.include_router(attachments_router)
    app.include_router(cues_router)
    app.include_router(posts_router)
    app.include_router(accounts_router)
    app.include_router(journal_router)
    app.include_router(reports_router)
    app.include_router(replay_router)
    app.include_router(sources_router)
    app.include_router(imports_router)
    app.include_router(ops_router)
    mount_docs(app)
    app.include_router(stream_router)
    app.include_router(replay_page_router)
    app.include_router(console_router)
    app.include_router(accounts_page_router)
    app.mount("/static", StaticFiles(directory=FRONTEND_DIR / "static"), name="static")
    return app
