from __future__ import annotations

from fastapi import APIRouter, status

from app.auth.deps import CurrentUser, ProducerUser
from app.common.ids import Id
from app.db import SessionDep
from app.events import service
from app.events.models import Event
from app.events.schemas import EventCreate, EventPublic, EventUpdate

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
