"""Replies over HTTP: send a failed one again, and the event's saved replies. Answering a
held mention, and the replies of a mention, are triage's (app/triage/router.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from app.auth.deps import CurrentUser, WriterUser
from app.common.http_errors import error_response
from app.common.ids import Id
from app.db import SessionDep
from app.replies import saved, service
from app.replies.schemas import (
    ReplyPublic,
    SavedReplyCreate,
    SavedReplyList,
    SavedReplyPublic,
)

router = APIRouter(tags=["replies"])


@router.post(
    "/api/replies/{reply_id}/retry",
    response_model=ReplyPublic,
    responses={
        status.HTTP_403_FORBIDDEN: error_response("Neither its author nor a producer"),
        status.HTTP_409_CONFLICT: error_response("Not failed or retrying"),
    },
)
async def retry_reply(reply_id: Id, session: SessionDep, user: WriterUser) -> dict[str, Any]:
    """Publish a failed reply again (with the same idempotency key: never a double post).
    Its author or a producer may."""
    return await service.retry(session, reply_id, user)


@router.get("/api/events/{event_id}/saved-replies", response_model=SavedReplyList)
async def list_saved_replies(
    event_id: Id, session: SessionDep, _user: CurrentUser
) -> dict[str, Any]:
    return {"saved_replies": await saved.list_for_event(session, event_id)}


@router.post(
    "/api/events/{event_id}/saved-replies",
    response_model=SavedReplyPublic,
    status_code=status.HTTP_201_CREATED,
)
async def create_saved_reply(
    event_id: Id, body: SavedReplyCreate, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Save a reply for the event; ``{handle}`` and ``{name}`` are filled in on use."""
    return await saved.create(session, event_id, user, title=body.title, text=body.text)


@router.delete(
    "/api/saved-replies/{saved_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={status.HTTP_403_FORBIDDEN: error_response("Neither its author nor a producer")},
)
async def delete_saved_reply(saved_id: Id, session: SessionDep, user: WriterUser) -> Response:
    """Delete a saved reply: its author or a producer may."""
    await saved.remove(session, saved_id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
