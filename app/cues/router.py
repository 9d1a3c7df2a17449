"""The show run over HTTP (docs/cues.md): the show clock, cues in running order, firing,
re-arming, and publishing one draft now (a draft fired without its cue)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from app.auth.deps import CurrentUser, ProducerUser
from app.common.http_errors import error_response
from app.common.ids import Id
from app.cues import firing, schedule, service
from app.cues.schemas import (
    CueCreate,
    CueFired,
    CueOrder,
    CuePublic,
    CueSheet,
    CueUpdate,
    DraftPublished,
)
from app.db import SessionDep
from app.events import show_clock
from app.events.models import Event
from app.events.schemas import EventPublic, ShowClockSet

router = APIRouter(tags=["cues"])

NOT_PRODUCER: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: error_response("Not a producer or admin")
}


@router.post("/api/events/{event_id}/on-air", response_model=EventPublic, responses=NOT_PRODUCER)
async def mark_on_air(
    event_id: Id, session: SessionDep, user: ProducerUser, data: ShowClockSet | None = None
) -> Event:
    """Start the show clock (T+0) at ``at`` or now; calling it again corrects the time, and
    the cues set at a show-clock offset move with it."""
    at = data.at if data is not None else None
    event = await show_clock.mark_on_air(session, event_id, at, actor=user.username)
    await schedule.recompute_due_times(session, event)
    return event


@router.post("/api/events/{event_id}/off-air", response_model=EventPublic, responses=NOT_PRODUCER)
async def mark_off_air(
    event_id: Id, session: SessionDep, user: ProducerUser, data: ShowClockSet | None = None
) -> Event:
    """Mark the end of the show at ``at`` or now; calling it again corrects the time."""
    at = data.at if data is not None else None
    event = await show_clock.mark_off_air(session, event_id, at, actor=user.username)
    await schedule.recompute_due_times(session, event)
    return event


@router.post(
    "/api/events/{event_id}/cues",
    response_model=CuePublic,
    status_code=status.HTTP_201_CREATED,
    responses=NOT_PRODUCER,
)
async def create_cue(
    event_id: Id, body: CueCreate, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Add a cue at the end of the sheet. A scheduled time in the past is refused (422)."""
    return await service.create(session, event_id, body, user)


@router.get(
    "/api/events/{event_id}/cues", response_model=CueSheet, response_model_exclude_unset=True
)
async def list_cues(event_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The sheet in running order, each cue with its drafts (notes hidden from viewers)."""
    return {"cues": await service.list_sheet(session, event_id, user)}


@router.put(
    "/api/events/{event_id}/cues/order",
    response_model=CueSheet,
    responses=NOT_PRODUCER,
)
async def reorder_cues(
    event_id: Id, body: CueOrder, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Set the running order: ``cue_ids`` names every cue of the event once."""
    return {"cues": await service.reorder(session, event_id, body, user)}


@router.get("/api/cues/{cue_id}", response_model=CuePublic, response_model_exclude_unset=True)
async def get_cue(cue_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return await service.get(session, cue_id, user)


@router.patch("/api/cues/{cue_id}", response_model=CuePublic, responses=NOT_PRODUCER)
async def update_cue(
    cue_id: Id, body: CueUpdate, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Change a cue; only the fields sent change. A new time in the past is refused."""
    return await service.update_cue(session, cue_id, body, user)


@router.delete("/api/cues/{cue_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_PRODUCER)
async def delete_cue(cue_id: Id, session: SessionDep, user: ProducerUser) -> Response:
    """Take the cue off the sheet (kept for the journal and its posts; never fired)."""
    await service.delete(session, cue_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api/cues/{cue_id}/fire",
    response_model=CueFired,
    responses={
        **NOT_PRODUCER,
        status.HTTP_409_CONFLICT: error_response("Fired already (says when and by whom)"),
    },
)
async def fire_cue(cue_id: Id, session: SessionDep, user: ProducerUser) -> dict[str, Any]:
    """Publish every approved draft of the cue on each of its networks, exactly once;
    drafts not approved are reported in ``not_published``."""
    return await firing.fire(session, cue_id, user=user)


@router.post(
    "/api/cues/{cue_id}/rearm",
    response_model=CuePublic,
    responses={**NOT_PRODUCER, status.HTTP_409_CONFLICT: error_response("Armed already")},
)
async def rearm_cue(cue_id: Id, session: SessionDep, user: ProducerUser) -> dict[str, Any]:
    """Allow the cue to fire once more (a re-air)."""
    return await firing.rearm(session, cue_id, user)


@router.post(
    "/api/drafts/{draft_id}/publish",
    response_model=DraftPublished,
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_PRODUCER,
        status.HTTP_409_CONFLICT: error_response("Not approved, or published already"),
    },
)
async def publish_draft(draft_id: Id, session: SessionDep, user: ProducerUser) -> dict[str, Any]:
    """Publish an approved draft now, outside its cue, once."""
    return await firing.publish_draft_now(session, draft_id, user)
