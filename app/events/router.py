from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.deps import CurrentUser, ProducerUser
from app.common.ids import Id
from app.db import SessionDep
from app.events import service, show_clock
from app.events.models import Event
from app.events.schemas import EventCreate, EventPublic, EventUpdate, ShowClockSet

router = APIRouter(prefix="/api/events", tags=["events"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EventPublic)
async def create_event(data: EventCreate, session: SessionDep, user: ProducerUser) -> Event:
    return await service.create(session, data, actor=user.username)


@router.get("", response_model=list[EventPublic])
async def list_events(session: SessionDep, _user: CurrentUser) -> list[Event]:
    return await service.list_all(session)


@router.get("/{event_id}", response_model=EventPublic)
async def get_event(event_id: Id, session: SessionDep, _user: CurrentUser) -> Event:
    return await service.get_or_raise(session, event_id)


@router.patch("/{event_id}", response_model=EventPublic)
async def update_event(
    event_id: Id, data: EventUpdate, session: SessionDep, user: ProducerUser
) -> Event:
    return await service.update(session, event_id, data, actor=user.username)


@router.post("/{event_id}/on-air", response_model=EventPublic)
async def mark_on_air(
    event_id: Id, session: SessionDep, user: ProducerUser, data: ShowClockSet | None = None
) -> Event:
    """Start the show clock (T+0) at ``at`` or now; calling it again corrects the time."""
    at = data.at if data is not None else None
    return await show_clock.mark_on_air(session, event_id, at, actor=user.username)


@router.post("/{event_id}/off-air", response_model=EventPublic)
async def mark_off_air(
    event_id: Id, session: SessionDep, user: ProducerUser, data: ShowClockSet | None = None
) -> Event:
    """Mark the end of the show at ``at`` or now; calling it again corrects the time."""
    at = data.at if data is not None else None
    return await show_clock.mark_off_air(session, event_id, at, actor=user.username)
