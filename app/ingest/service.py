"""Source rows: create, find, finish. Each change is journaled in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import NotFound
from app.common.time import isoformat_z, utcnow
from app.events import service as events
from app.ingest.models import Source, SourceStatus
from app.journal import service as journal

# Enough to tell what broke; a traceback belongs in the log, not the journal.
MAX_ERROR_LENGTH = 2000


def public_dict(source: Source) -> dict[str, Any]:
    """A source as the journal shows it."""
    return {
        "id": source.id,
        "kind": source.kind,
        "config": source.config,
        "status": source.status,
        "error": source.error,
        "report": source.report,
        "started_at": isoformat_z(source.started_at) if source.started_at else None,
        "stopped_at": isoformat_z(source.stopped_at) if source.stopped_at else None,
        "state": source.state,
    }


async def create(
    session: AsyncSession, event_id: int, kind: str, config: dict[str, Any], actor: str | None
) -> Source:
    """A running source for the event, journaled as ``source.started``."""
    # The counter first (see app/journal/service.py): the new row's foreign key would
    # otherwise share-lock the event row, and two creations would deadlock on the counter.
    await journal.lock_counter(session, event_id)
    now = utcnow()
    source = Source(
        event_id=event_id,
        kind=kind,
        config=config,
        status=SourceStatus.running.value,
        created_at=now,
        started_at=now,
    )
    session.add(source)
    await session.flush()
    await journal.append(session, event_id, "source.started", public_dict(source), actor)
    return source


async def get_or_raise(
    session: AsyncSession, event_id: int, source_id: int, *, for_update: bool = False
) -> Source:
    source = await session.get(Source, source_id, with_for_update=for_update)
    if source is None or source.event_id != event_id:
        raise NotFound(
            f"Event {event_id} has no source {source_id}.", event_id=event_id, source_id=source_id
        )
    return source


async def list_for_event(session: AsyncSession, event_id: int) -> list[Source]:
    await events.get_or_raise(session, event_id)
    result = await session.execute(
        select(Source).where(Source.event_id == event_id).order_by(Source.id)  # type: ignore[arg-type]
    )
    return list(result.scalars())


async def list_running(session: AsyncSession) -> list[Source]:
    result = await session.execute(
        select(Source).where(Source.status == SourceStatus.running.value).order_by(Source.id)  # type: ignore[arg-type]
    )
    return list(result.scalars())


async def finish(
    session: AsyncSession,
    event_id: int,
    source_id: int,
    status: SourceStatus,
    *,
    error: str | None = None,
    actor: str | None = None,
) -> tuple[Source, bool]:
    """Mark a running source stopped or failed; journal ``source.<status>``.

    Returns the source and whether it changed: one that already stopped is left as it is,
    so a stop racing a crash journals only one of them.
    """
    # The counter before the source row, in the order every writer takes them.
    await journal.lock_counter(session, event_id)
    source = await get_or_raise(session, event_id, source_id, for_update=True)
    if source.status != SourceStatus.running.value:
        return source, False
    source.status = status.value
    source.stopped_at = utcnow()
    source.error = error[:MAX_ERROR_LENGTH] if error else None
    session.add(source)
    await session.flush()
    await journal.append(session, event_id, f"source.{status.value}", public_dict(source), actor)
    return source, True


async def record_state(
    session: AsyncSession, event_id: int, source_id: int, state: dict[str, Any]
) -> None:
    """Keep what a running source reports on its row and journal ``source.state_changed``."""
    await journal.lock_counter(session, event_id)
    source = await get_or_raise(session, event_id, source_id, for_update=True)
    if source.status != SourceStatus.running.value:
        return  # a late report of a source already stopped
    source.state = state
    session.add(source)
    await session.flush()
    await journal.append(
        session, event_id, "source.state_changed", {"source_id": source_id, **state}
    )


async def record_gap(session: AsyncSession, event_id: int, type: str, data: dict[str, Any]) -> None:
    """Journal ``source.gap_opened`` or ``source.gap_closed``."""
    await journal.append(session, event_id, type, data)


async def set_report(
    session: AsyncSession, event_id: int, source_id: int, report: dict[str, Any]
) -> Source:
    """Record what a source found about its input (a file's bad lines); journal
    ``source.reported``."""
    await journal.lock_counter(session, event_id)
    source = await get_or_raise(session, event_id, source_id, for_update=True)
    source.report = report
    session.add(source)
    await session.flush()
    await journal.append(session, event_id, "source.reported", public_dict(source), None)
    return source
