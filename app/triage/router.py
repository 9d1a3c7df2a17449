"""Triage over HTTP: claims, replies, dismissal, tags, flags and notes.

Every action is journaled, so every console sees it on the live stream; a lost claim race
answers 409 naming the holder and the lease end.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, status

from app.auth.deps import CurrentUser, WriterUser
from app.common.errors import Invalid
from app.common.http_errors import error_response
from app.common.ids import Id
from app.common.text import StoredText
from app.config import Settings
from app.db import SessionDep
from app.events import service as events
from app.journal.visibility import shown_to
from app.mentions import queries
from app.mentions.schemas import MentionPublic
from app.mentions.tags import normalise_tag
from app.replies.schemas import ReplyList, ReplyPublic, SavedReplyList
from app.triage import annotate, claims, dismissal, replying
from app.triage.schemas import (
    ClaimGrant,
    ClaimRequest,
    DismissRequest,
    EditedReply,
    FlagRequest,
    MentionTags,
    MyClaims,
    NoteCreate,
    NoteList,
    NotePublic,
    ReleaseRequest,
    RenewRequest,
    ReplyRequest,
    TagRequest,
)

router = APIRouter(tags=["triage"])

CONFLICT: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: error_response("Held by someone else, or your claim ended")
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("/api/mentions/{mention_id}", response_model=MentionPublic)
async def get_mention(mention_id: Id, session: SessionDep, user: CurrentUser) -> dict[str, Any]:
    return shown_to(user.role, await queries.get_public(session, mention_id))


@router.post("/api/mentions/{mention_id}/claim", response_model=ClaimGrant, responses=CONFLICT)
async def claim_mention(
    mention_id: Id,
    request: Request,
    session: SessionDep,
    user: WriterUser,
    body: Annotated[ClaimRequest | None, Body()] = None,
) -> dict[str, Any]:
    """Take a lease on the mention (``claim_lease_seconds``). Keep the returned ``fence``:
    renew, release, dismiss and reply carry it. Claiming a mention you hold answers your
    current claim and draft. 409 names the holder if someone else holds a live claim."""
    return await claims.claim(
        session,
        mention_id,
        user,
        lease_seconds=_settings(request).claim_lease_seconds,
        take_over=bool(body and body.take_over),
    )


@router.post("/api/mentions/{mention_id}/renew", response_model=ClaimGrant, responses=CONFLICT)
async def renew_claim(
    mention_id: Id, body: RenewRequest, request: Request, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Extend your lease and save your draft reply with the claim."""
    settings = _settings(request)
    return await claims.renew(
        session,
        mention_id,
        user,
        body.fence,
        draft=body.draft,
        lease_seconds=settings.claim_lease_seconds,
        step_seconds=settings.claim_renew_step,
    )


@router.post("/api/mentions/{mention_id}/release", response_model=MentionPublic, responses=CONFLICT)
async def release_claim(
    mention_id: Id, body: ReleaseRequest, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Give the mention back to the queue."""
    return await claims.release(session, mention_id, user, body.fence)


REPLY_REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_409_CONFLICT: error_response("Your claim ended, or the mention is answered"),
    status.HTTP_422_UNPROCESSABLE_CONTENT: error_response(
        "Empty, or too long for the network: says by how much (`over_by`)"
    ),
}


@router.post(
    "/api/mentions/{mention_id}/reply",
    response_model=ReplyPublic,
    status_code=status.HTTP_201_CREATED,
    responses=REPLY_REFUSALS,
    tags=["replies"],
)
async def reply_to_mention(
    mention_id: Id, body: ReplyRequest, request: Request, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Answer the mention you hold (send your claim's ``fence``). The mention is answered at
    once; the reply is then published (dry-run unless a network publisher is configured),
    and its progress arrives on the stream as ``reply.*`` entries."""
    return await replying.reply(
        session,
        mention_id,
        user,
        text=body.text,
        fence=body.fence,
        mastodon_default_limit=_settings(request).mastodon_max_characters,
    )


@router.post(
    "/api/replies/{reply_id}/edit",
    response_model=ReplyPublic,
    responses={
        **REPLY_REFUSALS,
        status.HTTP_403_FORBIDDEN: error_response("Neither its author nor a producer"),
        status.HTTP_409_CONFLICT: error_response("Not failed (one being retried may land)"),
    },
    tags=["replies"],
)
async def edit_failed_reply(
    reply_id: Id, body: EditedReply, request: Request, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Send a failed reply again with a new text (the network refused the old one). Its
    author or a producer may; it goes out with a new idempotency key, journaled
    ``reply.requeued`` with ``edited: true``."""
    return await replying.send_edited(
        session,
        reply_id,
        user,
        text=body.text,
        mastodon_default_limit=_settings(request).mastodon_max_characters,
    )


@router.get("/api/mentions/{mention_id}/replies", response_model=ReplyList, tags=["replies"])
async def list_replies(mention_id: Id, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    return {"replies": await replying.replies_of(session, mention_id)}


@router.get(
    "/api/mentions/{mention_id}/saved-replies", response_model=SavedReplyList, tags=["replies"]
)
async def saved_replies_for_mention(
    mention_id: Id, session: SessionDep, _user: CurrentUser
) -> dict[str, Any]:
    """The event's saved replies, filled in for this mention's author."""
    return {"saved_replies": await replying.saved_replies_for(session, mention_id)}


@router.post("/api/mentions/{mention_id}/dismiss", response_model=MentionPublic, responses=CONFLICT)
async def dismiss_mention(
    mention_id: Id,
    session: SessionDep,
    user: WriterUser,
    body: Annotated[DismissRequest | None, Body()] = None,
) -> dict[str, Any]:
    """Mark the mention as needing no answer. Send your ``fence`` if you hold it; without
    one, producers may always dismiss, operators when nobody holds a live claim."""
    body = body or DismissRequest()
    return await dismissal.dismiss(session, mention_id, user, fence=body.fence, reason=body.reason)


@router.post("/api/events/{event_id}/claims/next", response_model=ClaimGrant)
async def claim_next(
    event_id: Id,
    request: Request,
    session: SessionDep,
    user: WriterUser,
    answerable_only: bool = False,
) -> dict[str, Any]:
    """Claim the event's highest-priority waiting mention (ties: the oldest). 404 when the
    queue is empty. ``answerable_only=true`` skips mentions the desk's account cannot
    answer (their ``reply_eligibility.ok`` is false)."""
    return await claims.claim_next(
        session,
        event_id,
        user,
        lease_seconds=_settings(request).claim_lease_seconds,
        answerable_only=answerable_only,
    )


@router.get("/api/events/{event_id}/claims/mine", response_model=MyClaims)
async def my_claims(event_id: Id, session: SessionDep, user: WriterUser) -> dict[str, Any]:
    """Your live claims in the event, with their fences and saved drafts."""
    await events.get_or_raise(session, event_id)
    return {"claims": await claims.my_claims(session, event_id, user)}


@router.post("/api/mentions/{mention_id}/tags", response_model=MentionTags)
async def add_tag(
    mention_id: Id, body: TagRequest, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    tags = await annotate.add_tag(session, mention_id, user, body.tag)
    return {"mention_id": mention_id, "tags": tags}


@router.delete("/api/mentions/{mention_id}/tags/{tag}", response_model=MentionTags)
async def remove_tag(
    mention_id: Id, tag: StoredText, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    try:
        normalised = normalise_tag(tag)
    except ValueError as exc:
        raise Invalid(f"tag: {exc}") from None
    tags = await annotate.remove_tag(session, mention_id, user, normalised)
    return {"mention_id": mention_id, "tags": tags}


@router.post("/api/mentions/{mention_id}/flag", response_model=MentionPublic)
async def flag_mention(
    mention_id: Id,
    session: SessionDep,
    user: WriterUser,
    body: Annotated[FlagRequest | None, Body()] = None,
) -> dict[str, Any]:
    """Flag the mention for the producer, with an optional reason."""
    return await annotate.flag(session, mention_id, user, body.reason if body else None)


@router.delete("/api/mentions/{mention_id}/flag", response_model=MentionPublic)
async def unflag_mention(mention_id: Id, session: SessionDep, user: WriterUser) -> dict[str, Any]:
    return await annotate.unflag(session, mention_id, user)


@router.post(
    "/api/mentions/{mention_id}/notes",
    response_model=NotePublic,
    status_code=status.HTTP_201_CREATED,
)
async def add_note(
    mention_id: Id, body: NoteCreate, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    """Add an internal note for the team (never sent to a network)."""
    return await annotate.add_note(session, mention_id, user, body.text)


@router.get("/api/mentions/{mention_id}/notes", response_model=NoteList)
async def list_notes(mention_id: Id, session: SessionDep, _user: WriterUser) -> dict[str, Any]:
    """The mention's internal notes, for the team (not viewers)."""
    return {"notes": await annotate.list_notes(session, mention_id)}
