"""After the show: the export of an event's data, and its report (as JSON and as a page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse

from app.auth.deps import CurrentUser
from app.common.ids import Id
from app.db import SessionDep, get_database
from app.events import service as events
from app.journal.visibility import audience_of
from app.reports import export, numbers, service
from app.reports.export import ExportFormat, ExportKind
from app.reports.schemas import NumbersSnapshot

router = APIRouter(prefix="/api/events", tags=["reports"])


@router.get("/{event_id}/numbers", response_model=NumbersSnapshot)
async def live_numbers(event_id: Id, request: Request, _user: CurrentUser) -> dict[str, Any]:
    """The live numbers as of the journal's position ``as_of_seq``: the volume a minute, the
    backlog, each operator's answer times. A console applies the entries after it."""
    return await numbers.snapshot(get_database(request).read_engine, event_id)


@router.get("/{event_id}/report")
async def report(event_id: Id, request: Request, _user: CurrentUser) -> dict[str, Any]:
    """The after-show report as JSON (the page /events/{id}/report shows it): volume a
    minute and its peaks, response times overall and per operator, who answered what, the
    posts, a section per fired cue, top authors and mentions (docs/numbers.md)."""
    result: dict[str, Any] = jsonable_encoder(
        await service.build(get_database(request).read_engine, event_id)
    )
    return result


@router.get(
    "/{event_id}/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}, "application/x-ndjson": {}},
            "description": "The rows, streamed as they are read",
        }
    },
)
async def export_event(
    event_id: Id,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    format: Annotated[ExportFormat, Query(description="csv or jsonl")] = ExportFormat.csv,
    what: Annotated[
        ExportKind, Query(description="mentions, replies, posts or journal")
    ] = ExportKind.mentions,
) -> StreamingResponse:
    """The event's mentions, replies, posts or journal, in seq (or id) order, as CSV (with a
    BOM, header row first) or JSON Lines, UTF-8. Streamed: any size, in constant memory.
    Anyone who may see the event may export it; a viewer's journal hides what viewers may
    not see (docs/numbers.md, "Export")."""
    await events.get_or_raise(session, event_id)
    name = export.filename(event_id, what, format)
    chunks = export.stream(
        get_database(request).read_engine, event_id, what, format, audience_of(user.role)
    )
    return StreamingResponse(
        chunks,
        media_type=export.MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
