"""Posts over HTTP: quick posts, and the event's posts (docs/cues.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.deps import CurrentUser, WriterUser
from app.common.http_errors import error_response
from app.common.ids import MAX_ID, Id
from app.db import SessionDep
from app.posts import quick, service
from app.posts.schemas import PostList, PostPublic, QuickPostCreate, QuickPostResult

router = APIRouter(tags=["posts"])


@router.post(
    "/api/events/{event_id}/quick-posts",
    response_model=QuickPostResult,
    status_code=status.HTTP_201_CREATED,
    responses={
        status.HTTP_202_ACCEPTED: {
            "model": QuickPostResult,
            "description": "Held for a producer's approval, as a draft in review",
        },
        422: error_response("A text over its network's limit (names the network and the count)"),
    },
)
async def create_quick_post(
    event_id: Id,
    body: QuickPostCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    user: WriterUser,
) -> dict[str, Any]:
    """Post now on each network given a text (not a reply), through the outbox; or, when
    the event's quick posts need approval and you are not a producer, hold it for one."""
    result = await quick.create(session, event_id, body.texts, user, request.app.state.settings)
    if result["status"] == "held_for_approval":
        response.status_code = status.HTTP_202_ACCEPTED
    return result


@router.get("/api/events/{event_id}/posts", response_model=PostList)
async def list_posts(
    event_id: Id,
    session: SessionDep,
    _user: CurrentUser,
    cue_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """The event's posts, oldest first; ``cue_id`` keeps one cue's."""
    return {"posts": await service.list_for_event(session, event_id, cue_id=cue_id)}


@router.get("/api/posts/{post_id}", response_model=PostPublic)
async def get_post(post_id: Id, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    return await service.get_public(session, post_id)
