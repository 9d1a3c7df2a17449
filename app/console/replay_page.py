"""The replay page of an event (``/events/{id}/replay?seq=N``): the shell only; the data
comes from ``GET /api/events/{id}/replay`` and its seek (docs/replay.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from app.common.errors import NotFound
from app.console.router import EVENTS_ENTRY, _login_redirect, _page_user, _render, _user_context
from app.db import SessionDep
from app.events import service as events

REPLAY_ENTRY = "src/pages/replay.ts"

router = APIRouter(include_in_schema=False)


@router.get("/events/{event_id}/replay", response_class=HTMLResponse)
async def replay_page(request: Request, event_id: str, session: SessionDep) -> Response:
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    known = event_id.isascii() and event_id.isdigit() and len(event_id) <= 18
    try:
        event = await events.get_or_raise(session, int(event_id)) if known else None
    except NotFound:
        event = None
    if event is None:
        return _render(
            request,
            "not_found.html",
            {**_user_context(user), "what": f"Event {event_id}"},
            status_code=status.HTTP_404_NOT_FOUND,
            entry=EVENTS_ENTRY,
        )
    return _render(
        request,
        "replay.html",
        {**_user_context(user), "event": {"id": event.id, "name": event.name}},
        entry=REPLAY_ENTRY,
    )
