"""Replies over HTTP: answer a held mention, follow and retry its publishing, saved replies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.auth.deps import CurrentUser, WriterUser
from app.common.http_errors import error_response
from app.common.ids import Id
from app.config import Settings
from app.db import SessionDep
from app.replies import saved, service
from app.replies.schemas import (
    ReplyList,
    ReplyPublic,
    ReplyRequest,
    SavedReplyCreate,
    SavedReplyList,
    SavedReplyPublic,
)

router = APIRouter(tags=["replies"])

REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: error_response("Your claim ended, or the mention is answered"),
    status.HTTP_422_UNPROCESSABLE_CONTENT: error_response(
        "Empty, or too long for the network: says by how much (`over_by`)"
    ),
}


@router.post(
    "/api/mentions/{mention_id}/reply",
    response_model=ReplyPublic,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
async def reply_to_mention(
    mention_id: Id, body: ReplyRequest, request: Request, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Answer the mention you hold (send your claim's ``fence``). The mention is answered at
    once; the reply is then published (dry-run unless a network publisher is configured),
    and its progress arrives on the stream as ``reply.*`` entries."""
    settings: Settings = request.app.state.settings
    return await service.reply(
        session,
        mention_id,
        user,
        text=body.text,
        fence=body.fence,
        mastodon_limit=settings.mastodon_max_characters,
    )


@router.get("/api/mentions/{mention_id}/replies", response_model=ReplyList)
async def list_replies(mention_id: Id, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    return {"replies": await service.list_for_mention(session, mention_id)}


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


@router.get("/api/mentions/{mention_id}/saved-replies", response_model=SavedReplyList)
async def saved_replies_for_mention(
    mention_id: Id, session: SessionDep, _user: CurrentUser
) -> dict[str, Any]:
    """The event's saved replies, filled in for this mention's author."""
    return {"saved_replies": await saved.list_for_mention(session, mention_id)}
