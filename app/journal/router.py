from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.auth.deps import CurrentUser
from app.common.ids import MAX_ID, Id
from app.db import SessionDep
from app.journal import service
from app.journal.schemas import JournalPage
from app.journal.visibility import audience_of, for_audience

router = APIRouter(prefix="/api/events", tags=["journal"])


@router.get("/{event_id}/journal", response_model=JournalPage)
async def read_journal(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    after_seq: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> dict[str, Any]:
    """The event's journal after ``after_seq``, in order. Page on with the last seq returned.
    Viewers get every entry, but without the VIP list's handles and internal notes."""
    last_seq, epoch = await service.head(session, event_id)
    entries = await service.read(session, event_id, after_seq=after_seq, limit=limit)
    return {
        "entries": for_audience(entries, audience_of(user.role)),
        "last_seq": last_seq,
        "epoch": epoch,
    }
