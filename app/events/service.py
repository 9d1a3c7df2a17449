from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import Invalid, NotFound
from app.common.time import as_utc, isoformat_z, utcnow
from app.events.models import Event
from app.events.schemas import EventCreate, EventUpdate
from app.journal import service as journal


def _public_fields(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "name": event.name,
        "hashtags": event.hashtags,
        "keywords": event.keywords,
        "networks": event.networks,
        "starts_at": isoformat_z(event.starts_at) if event.starts_at else None,
        "ends_at": isoformat_z(event.ends_at) if event.ends_at else None,
        "status": event.status,
        "on_air_at": isoformat_z(event.on_air_at) if event.on_air_at else None,
        "off_air_at": isoformat_z(event.off_air_at) if event.off_air_at else None,
        "quick_posts_need_approval": event.quick_posts_need_approval,
    }


async def create(session: AsyncSession, data: EventCreate, actor: str | None) -> Event:
    event = Event(
        name=data.name,
        hashtags=data.hashtags,
        keywords=data.keywords,
        networks=[str(n) for n in data.networks],
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        status=data.status.value,
    )
    session.add(event)
    await session.flush()
    assert event.id is not None
    await journal.append(session, event.id, "event.created", _public_fields(event), actor)
    await session.refresh(event)
    return event


async def list_all(session: AsyncSession) -> list[Event]:
    result = await session.execute(select(Event).order_by(Event.id.desc()))  # type: ignore[union-attr]
    return list(result.scalars())


async def get_or_raise(session: AsyncSession, event_id: int) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    return event


async def update(
    session: AsyncSession, event_id: int, data: EventUpdate, actor: str | None
) -> Event:
    # Lock the journal counter first: it is also the event row, so concurrent edits queue.
    await journal.lock_counter(session, event_id)
    event = await get_or_raise(session, event_id)
    changes = data.model_dump(exclude_unset=True)
    starts_at = changes.get("starts_at", event.starts_at)
    ends_at = changes.get("ends_at", event.ends_at)
    if starts_at and ends_at and as_utc(ends_at) < as_utc(starts_at):
        raise Invalid("ends_at must not be before starts_at.")
    changed: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "networks":
            value = [str(n) for n in value]
        elif field == "status":
            value = str(value)
        current = getattr(event, field)
        if field.endswith("_at") and value is not None and current is not None:
            if as_utc(value) == as_utc(current):
                continue
        elif current == value:
            continue
        setattr(event, field, value)
        changed[field] = value
    if not changed:
        return event
    event.updated_at = utcnow()
    session.add(event)
    await session.flush()
    fields = _public_fields(event)
    await journal.append(
        session,
        event_id,
        "event.updated",
        {"changed": sorted(changed), **fields},
        actor,
    )
    await session.refresh(event)
    return event
