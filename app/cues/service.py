"""The cue sheet: cues in running order, their triggers, and soft deletion.

Every change takes the event's journal counter first (the journal's rule), is journaled
(``cue.created``, ``cue.updated``, ``cue.deleted``: ``{cue}``; ``cue.reordered``:
``{cue_ids}``) and wakes the scheduler once it commits. Firing is app/cues/firing.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.common.errors import Invalid, NotFound
from app.common.time import isoformat_z, utcnow
from app.cues import views
from app.cues.due import due_time, on_air_since, show_clock, wake_scheduler_after_commit
from app.cues.models import CueTrigger
from app.cues.schemas import CueCreate, CueOrder, CueUpdate
from app.events.models import Event
from app.journal import service as journal

cue_table = views.cue_table
SCHEDULE_FIELDS = ("trigger", "fire_at", "offset_seconds")


async def _event(session: AsyncSession, event_id: int) -> Event:
    event = await session.get(Event, event_id, populate_existing=True)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.", event_id=event_id)
    return event


async def event_of(session: AsyncSession, cue_id: int) -> int:
    """The event of a cue that exists and is not deleted (404 otherwise)."""
    event_id = (
        await session.execute(
            select(cue_table.c.event_id).where(
                cue_table.c.id == cue_id, cue_table.c.deleted_at.is_(None)
            )
        )
    ).scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Cue {cue_id} does not exist.", cue_id=cue_id)
    return int(event_id)


def schedule(
    trigger: str,
    fire_at: datetime | None,
    offset_seconds: int | None,
    event: Event,
    now: datetime,
) -> datetime | None:
    """The due time of this schedule; 422 when it lacks its time or its time has passed."""
    if trigger == CueTrigger.at_time:
        if fire_at is None:
            raise Invalid("A cue fired at a time needs fire_at.", field="fire_at")
        if fire_at <= now:
            raise Invalid(
                f"fire_at {isoformat_z(fire_at)} is in the past (it is {isoformat_z(now)}); "
                "give a time to come, or fire the cue by hand.",
                field="fire_at",
            )
    if trigger == CueTrigger.show_offset:
        if offset_seconds is None:
            raise Invalid(
                "A cue fired at a show-clock offset needs offset_seconds.",
                field="offset_seconds",
            )
        since = on_air_since(event)
        if since is not None and due_time(trigger, None, offset_seconds, event) <= now:  # type: ignore[operator]
            raise Invalid(
                f"{show_clock(offset_seconds)} has passed on the show clock (it is "
                f"{show_clock((now - since).total_seconds())}); give a later offset, or fire "
                "the cue by hand.",
                field="offset_seconds",
            )
    return due_time(trigger, fire_at, offset_seconds, event)


async def list_sheet(session: AsyncSession, event_id: int, user: User) -> list[dict[str, Any]]:
    await _event(session, event_id)
    return await views.public_cues(session, event_id=event_id, with_note=_sees_notes(user))


def _sees_notes(user: User) -> bool:
    return bool(user.role != "viewer")


async def get(session: AsyncSession, cue_id: int, user: User) -> dict[str, Any]:
    await event_of(session, cue_id)
    return await views.public_cue(session, cue_id, with_note=_sees_notes(user))


async def create(
    session: AsyncSession, event_id: int, data: CueCreate, user: User
) -> dict[str, Any]:
    last_seq = await journal.lock_counter(session, event_id)
    event = await _event(session, event_id)
    now = utcnow()
    due = schedule(data.trigger, data.fire_at, data.offset_seconds, event, now)
    position = (
        await session.execute(
            select(func.coalesce(func.max(cue_table.c.position) + 1, 0)).where(
                cue_table.c.event_id == event_id, cue_table.c.deleted_at.is_(None)
            )
        )
    ).scalar_one()
    result = await session.execute(
        cue_table.insert()
        .values(
            event_id=event_id,
            title=data.title,
            position=position,
            trigger=data.trigger.value,
            fire_at=data.fire_at,
            offset_seconds=data.offset_seconds,
            due_at=due,
            armed=True,
            fire_count=0,
            note=data.note,
            created_at=now,
            updated_at=now,
        )
        .returning(cue_table.c.id)
    )
    cue = await views.public_cue(session, int(result.scalar_one()))
    await journal.write(
        session, event_id, last_seq, [journal.NewEntry("cue.created", {"cue": cue}, user.username)]
    )
    wake_scheduler_after_commit(session)
    return cue


async def update_cue(
    session: AsyncSession, cue_id: int, data: CueUpdate, user: User
) -> dict[str, Any]:
    event_id = await event_of(session, cue_id)
    last_seq = await journal.lock_counter(session, event_id)
    row = dict(
        (await session.execute(select(cue_table).where(cue_table.c.id == cue_id))).mappings().one()
    )
    sent = data.model_fields_set
    values: dict[str, Any] = {}
    for name in ("title", "note"):
        if name in sent and getattr(data, name) is not None and getattr(data, name) != row[name]:
            values[name] = getattr(data, name)
    for name in SCHEDULE_FIELDS:
        if name in sent and getattr(data, name) != row[name]:
            if name == "trigger" and data.trigger is None:
                raise Invalid("trigger cannot be null.", field="trigger")
            values[name] = getattr(data, name)
    if any(name in values for name in SCHEDULE_FIELDS):
        merged = {name: values.get(name, row[name]) for name in SCHEDULE_FIELDS}
        event = await _event(session, event_id)
        values["due_at"] = schedule(
            str(merged["trigger"]), merged["fire_at"], merged["offset_seconds"], event, utcnow()
        )
    if values:
        values["updated_at"] = utcnow()
        await session.execute(update(cue_table).where(cue_table.c.id == cue_id).values(**values))
    cue = await views.public_cue(session, cue_id)
    if values:
        changed = sorted(name for name in values if name != "updated_at")
        entry = journal.NewEntry("cue.updated", {"cue": cue, "changed": changed}, user.username)
        await journal.write(session, event_id, last_seq, [entry])
        wake_scheduler_after_commit(session)
    return cue


async def delete(session: AsyncSession, cue_id: int, user: User) -> None:
    """Soft delete: the cue leaves the sheet and is never fired; its posts keep it."""
    event_id = await event_of(session, cue_id)
    last_seq = await journal.lock_counter(session, event_id)
    now = utcnow()
    await session.execute(
        update(cue_table)
        .where(cue_table.c.id == cue_id, cue_table.c.deleted_at.is_(None))
        .values(deleted_at=now, updated_at=now)
    )
    cue = await views.public_cue(session, cue_id)
    entry = journal.NewEntry("cue.deleted", {"cue": cue}, user.username)
    await journal.write(session, event_id, last_seq, [entry])
    wake_scheduler_after_commit(session)


async def reorder(
    session: AsyncSession, event_id: int, order: CueOrder, user: User
) -> list[dict[str, Any]]:
    """Put the sheet in this running order: every cue of the event (not deleted), once."""
    last_seq = await journal.lock_counter(session, event_id)
    current = set(
        (
            await session.execute(
                select(cue_table.c.id).where(
                    cue_table.c.event_id == event_id, cue_table.c.deleted_at.is_(None)
                )
            )
        ).scalars()
    )
    asked = order.cue_ids
    if len(set(asked)) != len(asked):
        raise Invalid("cue_ids names a cue more than once.", field="cue_ids")
    missing = sorted(current - set(asked))
    unknown = sorted(set(asked) - current)
    if missing or unknown:
        raise Invalid(
            "cue_ids must name every cue of the event once: "
            + "; ".join(
                part
                for part in (
                    f"missing {missing}" if missing else "",
                    f"not cues of this event {unknown}" if unknown else "",
                )
                if part
            )
            + ".",
            missing=missing,
            unknown=unknown,
        )
    for position, cue_id in enumerate(asked):
        await session.execute(
            update(cue_table).where(cue_table.c.id == cue_id).values(position=position)
        )
    entry = journal.NewEntry("cue.reordered", {"cue_ids": asked}, user.username)
    await journal.write(session, event_id, last_seq, [entry])
    return await views.public_cues(session, event_id=event_id)
