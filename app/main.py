"""The application factory. The lifespan owns the database, the broker and the sources."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from app import migrate
from app.auth.router import router as auth_router
from app.broker import create_broker
from app.common.errors import CuedeskError
from app.config import Settings, get_settings
from app.console.router import FRONTEND_DIR, console_manifest
from app.console.router import router as console_router
from app.db import Database
from app.events.router import router as events_router
from app.ingest.manager import SourceManager
from app.ingest.router import router as sources_router
from app.ingest.sources import SourceKind
from app.journal.router import router as journal_router
from app.mentions.router import router as mentions_router
from app.ops.router import router as ops_router
from app.replies import length
from app.replies.outbox import ReplyOutbox
from app.replies.publishers import Publishers
from app.replies.router import router as replies_router
from app.stream.router import hub_registry
from app.stream.router import router as stream_router
from app.triage.router import router as triage_router
from app.triage.sweeper import ClaimSweeper

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, *, source_kinds: Sequence[SourceKind] = ()
) -> FastAPI:
    """The app; ``source_kinds`` adds kinds of source to the built-in ones."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.database_url_resolved
        if url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.migrate_on_start:
            await migrate.upgrade(url)
        broker = create_broker(settings.broker_url)
        await broker.connect()

        def publish(entries: list[dict[str, Any]]) -> None:
            by_event: dict[int, list[dict[str, Any]]] = {}
            for entry in entries:
                by_event.setdefault(entry["event_id"], []).append(entry)
            for event_id, items in by_event.items():
                broker.offer(f"event:{event_id}", items)

        db = Database(url, publisher=publish)
        sources = SourceManager(db, settings, extra_kinds=source_kinds)
        hubs = hub_registry(settings, db, broker)
        app.state.hubs = hubs
        app.state.settings = settings
        app.state.db = db
        app.state.broker = broker
        app.state.sources = sources
        sweeper = ClaimSweeper(db, settings.claim_sweep_seconds)
        app.state.sweeper = sweeper
        outbox = ReplyOutbox(db, settings, Publishers(settings))
        length.warm_up()
        await sources.start()
        await sweeper.start()
        await outbox.start()
        # Everything built at start-up lives as long as the process. Moving it out of the
        # collector's reach shortens the full collections that otherwise stall the event
        # loop for ~100 ms several times a minute under load (bench/stream.py's p99).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await outbox.stop()
            await sweeper.stop()
            await sources.stop()
            await hubs.stop()
            await broker.disconnect()
            await db.dispose()

    app = FastAPI(
        title="Cuedesk",
        version="0.1.0",
        description="Live-event social console: live feed, triage, cues and replay.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.console_manifest = console_manifest(settings.console_dist_dir)

    @app.exception_handler(CuedeskError)
    async def _cuedesk_error(_request: Request, exc: CuedeskError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"detail": exc.message, **exc.detail}
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": describe_validation_errors(exc)})

    app.include_router(auth_router)
    app.include_router(events_router)
    app.include_router(mentions_router)
    app.include_router(triage_router)
    app.include_router(replies_router)
    app.include_router(journal_router)
    app.include_router(sources_router)
    app.include_router(ops_router)
    app.include_router(stream_router)
    app.include_router(console_router)
    app.mount("/static", StaticFiles(directory=FRONTEND_DIR / "static"), name="static")
    return app


def describe_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's errors, plus ``item`` (the index in a list body) and a readable message."""
    described = []
    for error in exc.errors():
        loc = list(error.get("loc", ()))
        item: dict[str, Any] = {"loc": loc, "msg": error.get("msg", ""), "type": error.get("type")}
        if len(loc) >= 2 and loc[0] == "body" and isinstance(loc[1], int):
            item["item"] = loc[1]
            field = ".".join(str(part) for part in loc[2:]) or "item"
            item["message"] = f"item {loc[1]}: {field}: {item['msg']}"
        else:
            field = ".".join(str(part) for part in loc[1:]) or str(loc[0] if loc else "request")
            item["message"] = f"{field}: {item['msg']}"
        described.append(item)
    return described
