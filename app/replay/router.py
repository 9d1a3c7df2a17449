from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from app.auth.deps import CurrentUser, ProducerUser
from app.common.ids import MAX_ID, Id
from app.db import Database, SessionDep, get_database
from app.events import service as events
from app.journal.visibility import audience_of
from app.replay import bookmarks, index, service
from app.replay.schemas import (
    BookmarkCreate,
    BookmarkPublic,
    ReplayEntries,
    ReplayOverview,
    ReplaySeek,
)

router = APIRouter(tags=["replay"])
DatabaseDep = Annotated[Database, Depends(get_database)]
Seq = Annotated[int, Query(ge=0, le=MAX_ID)]


@router.get("/api/events/{event_id}/replay", response_model=ReplayOverview)
async def replay_overview(
    event_id: Id, session: SessionDep, database: DatabaseDep, _user: CurrentUser
) -> dict[str, Any]:
    """What the replay opens with: mentions a minute over the evening, the cues fired and
    posts published, the spikes, the bookmarks. Read from the replay index, which this
    call brings up to date first."""
    indexed = await index.catch_up(database, event_id)
    marks = await bookmarks.list_for_event(session, event_id)
    return await service.overview(session, event_id, indexed, marks)


@router.get(
    "/api/events/{event_id}/replay/seek",
    response_class=Response,
    responses={200: {"model": ReplaySeek, "description": "The state at seq"}},
)
async def replay_seek(
    event_id: Id, seq: Seq, session: SessionDep, database: DatabaseDep, user: CurrentUser
) -> Response:
    """The state at ``seq``: the board (claims, replies, posts) of the checkpoint at or
    below it and the journal entries from ``from_seq`` to ``seq`` that bring the board and
    the feed's window to that instant. 422 past the journal's end."""
    await index.catch_up(database, event_id)
    body = await service.seek(session, event_id, seq, audience_of(user.role))
    return Response(body, media_type="application/json")


@router.get(
    "/api/events/{event_id}/replay/entries",
    response_class=Response,
    responses={200: {"model": ReplayEntries, "description": "Journal entries"}},
)
async def replay_entries(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    after_seq: Seq = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = service.ENTRIES_PAGE,
) -> Response:
    """The journal after ``after_seq`` as ``GET …/journal`` gives it, built without parsing
    the stored entries again: what the replay plays on from."""
    body = await service.entries_page(session, event_id, after_seq, limit, audience_of(user.role))
    return Response(body, media_type="application/json")


@router.get("/api/events/{event_id}/bookmarks", response_model=list[BookmarkPublic])
async def list_bookmarks(
    event_id: Id, session: SessionDep, _user: CurrentUser
) -> list[dict[str, Any]]:
    await events.get_or_raise(session, event_id)
    return await bookmarks.list_for_event(session, event_id)


@router.post(
    "/api/events/{event_id}/bookmarks",
    status_code=status.HTTP_201_CREATED,
    response_model=BookmarkPublic,
)
async def add_bookmark(
    event_id: Id, data: BookmarkCreate, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    return await bookmarks.add(session, event_id, data, user)


@router.delete("/api/bookmarks/{bookmark_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_bookmark(bookmark_id: Id, session: SessionDep, user: ProducerUser) -> None:
    await bookmarks.delete(session, bookmark_id, user)
