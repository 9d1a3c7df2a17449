"""The drafts API (docs/drafts.md): the library of an event's prepared posts, their
versions, their approval, and who is editing which."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response, status

from app.auth.deps import CurrentUser, ProducerUser, WriterUser
from app.auth.models import User
from app.common.errors import PreconditionRequired
from app.common.http_errors import error_response
from app.common.ids import MAX_ID, Id
from app.db import SessionDep, get_database
from app.drafts import approval, service
from app.drafts.models import Draft
from app.drafts.schemas import (
    BulkApprove,
    BulkApproved,
    DraftCreate,
    DraftPublic,
    DraftUpdate,
    DraftVersionPublic,
    ReturnToDraft,
)
from app.drafts.service import Editor, etag
from app.drafts.views import draft_dict, draft_public, people, people_of, version_dict
from app.drafts.views import without_note as _without_note
from app.journal.visibility import sees_internal
from app.stream.hub import HubRegistry

router = APIRouter(tags=["drafts"])

IfMatch = Annotated[
    str | None,
    Header(description='The version this request acts on, as its ETag gave it: "3" (W/"3" too).'),
]
VERSIONED: dict[int | str, dict[str, Any]] = {
    412: error_response("Stale: the body is the draft as it is now, its ETag the current one"),
    428: error_response("No If-Match: say which version you edit"),
}
DRAFT_ANSWER: dict[str, Any] = {
    "response_model": DraftPublic,
    "response_model_exclude_unset": True,
}


def seen_version(if_match: str | None) -> int:
    """The version ``If-Match`` names: ``"3"`` or ``W/"3"``; 428 without one."""
    value = (if_match or "").strip()
    if value.startswith("W/"):
        value = value[2:].strip()
    value = value.strip('"')
    if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        raise PreconditionRequired(
            'Say which version you edit: send If-Match: "<version>", the ETag of the draft '
            "you started from.",
            if_match=if_match,
        )
    return int(value)


def editor(request: Request, user: User) -> Editor:
    return Editor(user, request.app.state.settings.mastodon_max_characters)


def shown(item: dict[str, Any], user: User) -> dict[str, Any]:
    return item if sees_internal(user.role) else _without_note(item)


async def answer(
    session: SessionDep, draft: Draft, user: User, response: Response
) -> dict[str, Any]:
    response.headers["ETag"] = etag(draft.version)
    return shown(await draft_public(session, draft), user)


@router.post("/api/events/{event_id}/drafts", status_code=status.HTTP_201_CREATED, **DRAFT_ANSWER)
async def create_draft(
    event_id: Id,
    data: DraftCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    user: WriterUser,
) -> dict[str, Any]:
    draft = await service.create(session, event_id, data, editor(request, user))
    return await answer(session, draft, user, response)


@router.get(
    "/api/events/{event_id}/drafts",
    response_model=list[DraftPublic],
    response_model_exclude_unset=True,
)
async def list_drafts(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    cue_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this cue's")] = None,
) -> list[dict[str, Any]]:
    """The event's drafts, by cue and position (drafts without a cue last)."""
    drafts = await service.list_for_event(session, event_id, cue_id=cue_id)
    everyone = await people(session, people_of(drafts))
    return [shown(draft_dict(draft, everyone), user) for draft in drafts]


@router.get("/api/drafts/{draft_id}", **DRAFT_ANSWER)
async def get_draft(
    draft_id: Id, response: Response, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """The draft, with ``approved_content`` when it changed since it was approved."""
    draft = await service.get_or_raise(session, draft_id)
    body = await answer(session, draft, user, response)
    body["approved_content"] = await service.approved_content(session, draft)
    return body


@router.patch("/api/drafts/{draft_id}", responses=VERSIONED, **DRAFT_ANSWER)
async def update_draft(
    draft_id: Id,
    data: DraftUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    user: WriterUser,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    seen = seen_version(if_match)
    draft = await service.update(session, draft_id, seen, data, editor(request, user))
    return await answer(session, draft, user, response)


@router.delete(
    "/api/drafts/{draft_id}", status_code=status.HTTP_204_NO_CONTENT, responses=VERSIONED
)
async def delete_draft(
    draft_id: Id,
    request: Request,
    session: SessionDep,
    user: WriterUser,
    if_match: IfMatch = None,
) -> Response:
    seen = seen_version(if_match)
    await service.delete(session, draft_id, seen, editor(request, user))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/drafts/{draft_id}/versions", response_model=list[DraftVersionPublic])
async def list_versions(
    draft_id: Id, session: SessionDep, user: CurrentUser
) -> list[dict[str, Any]]:
    """Every saved version, newest first: who, when, what changed, and the whole draft."""
    versions = await service.list_versions(session, draft_id)
    everyone = await people(session, (v.author_id for v in versions))
    with_note = sees_internal(user.role)
    return [version_dict(v, everyone, with_note=with_note) for v in versions]


@router.get("/api/drafts/{draft_id}/versions/{version}", response_model=DraftVersionPublic)
async def get_version(
    draft_id: Id, version: Id, session: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    await service.get_or_raise(session, draft_id)
    kept = await service.get_version(session, draft_id, version)
    everyone = await people(session, [kept.author_id])
    return version_dict(kept, everyone, with_note=sees_internal(user.role))


@router.post(
    "/api/drafts/{draft_id}/versions/{version}/restore", responses=VERSIONED, **DRAFT_ANSWER
)
async def restore_version(
    draft_id: Id,
    version: Id,
    request: Request,
    response: Response,
    session: SessionDep,
    user: WriterUser,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Save version ``version`` again as a new version (If-Match: the current one)."""
    seen = seen_version(if_match)
    draft = await service.restore(session, draft_id, version, seen, editor(request, user))
    return await answer(session, draft, user, response)


@router.post("/api/drafts/{draft_id}/submit", **DRAFT_ANSWER)
async def submit_draft(
    draft_id: Id, request: Request, response: Response, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Ask a producer to approve the draft (draft → in_review)."""
    draft = await approval.submit(session, draft_id, editor(request, user))
    return await answer(session, draft, user, response)


@router.post("/api/drafts/{draft_id}/return", **DRAFT_ANSWER)
async def return_draft(
    draft_id: Id,
    data: ReturnToDraft,
    request: Request,
    response: Response,
    session: SessionDep,
    user: WriterUser,
) -> dict[str, Any]:
    """Send a draft in review (or approved) back to draft, with a reason for its writers."""
    draft = await approval.return_to_draft(session, draft_id, data.reason, editor(request, user))
    return await answer(session, draft, user, response)


@router.post("/api/drafts/{draft_id}/approve", responses=VERSIONED, **DRAFT_ANSWER)
async def approve_draft(
    draft_id: Id,
    request: Request,
    response: Response,
    session: SessionDep,
    user: ProducerUser,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Approve the version you read (If-Match); 412 if it changed since."""
    seen = seen_version(if_match)
    draft = await approval.approve(session, draft_id, seen, editor(request, user))
    return await answer(session, draft, user, response)


@router.post("/api/events/{event_id}/drafts/approve", response_model=BulkApproved)
async def approve_drafts(
    event_id: Id, data: BulkApprove, request: Request, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Approve the drafts named, a cue's, or the whole sheet's; the rest say why not."""
    approved, skipped = await approval.approve_many(session, event_id, data, editor(request, user))
    everyone = await people(session, people_of(approved))
    return {"approved": [draft_dict(d, everyone) for d in approved], "skipped": skipped}


@router.post("/api/drafts/{draft_id}/editing", status_code=status.HTTP_204_NO_CONTENT)
async def editing_draft(draft_id: Id, request: Request, user: WriterUser) -> Response:
    """ "I am editing this draft": shown in every console's presence (``editing``). A
    heartbeat: repeat it every 5 seconds while editing; it lapses 15 seconds after the last."""
    await _announce_editing(request, user, draft_id, editing=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/api/drafts/{draft_id}/editing", status_code=status.HTTP_204_NO_CONTENT)
async def stopped_editing(draft_id: Id, request: Request, user: WriterUser) -> Response:
    """Stopped editing (the editor closed): gone from presence at once."""
    await _announce_editing(request, user, draft_id, editing=False)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _announce_editing(request: Request, user: User, draft_id: int, editing: bool) -> None:
    # A read of its own: a heartbeat must not queue for SQLite's single writer.
    async with get_database(request).read_session() as session:
        event_id = (await service.get_or_raise(session, draft_id)).event_id
    hubs: HubRegistry = request.app.state.hubs
    person = {
        "username": user.username,
        "display_name": user.display_name or user.username,
        "role": user.role,
    }
    hubs.announce_editing(event_id, person, draft_id, editing)
