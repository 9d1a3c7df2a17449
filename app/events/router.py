from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from app.auth.deps import CurrentUser, ProducerUser, WriterUser
from app.common.ids import Id
from app.db import SessionDep
from app.events import service, vips
from app.events.models import Event
from app.events.schemas import (
    EventCreate,
    EventPublic,
    EventUpdate,
    VipList,
    VipListIn,
    VipListUpdated,
)

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


@router.get("/{event_id}/vips", response_model=VipList)
async def get_vips(event_id: Id, session: SessionDep, _user: WriterUser) -> dict[str, Any]:
    """The VIP list: handles whose mentions come first in the triage queue."""
    return {"event_id": event_id, "vips": await vips.get_vips(session, event_id)}


@router.put("/{event_id}/vips", response_model=VipListUpdated)
async def replace_vips(
    event_id: Id, data: VipListIn, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Replace the VIP list. Handles are matched without ``@`` and case; a handle without a
    network counts on every network. Mentions already stored are re-prioritised."""
    return await vips.replace_vips(session, event_id, data.vips, actor=user.username)
