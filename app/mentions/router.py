from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request

from app.auth.deps import CurrentUser, WriterUser
from app.common.errors import Invalid
from app.db import SessionDep
from app.events import service as events
from app.events.models import Network
from app.mentions import service
from app.mentions.models import MentionState
from app.mentions.schemas import IngestResult, MentionIn, MentionPage

router = APIRouter(prefix="/api/events", tags=["mentions"])


@router.post("/{event_id}/mentions", response_model=IngestResult)
async def ingest_mentions(
    event_id: int,
    request: Request,
    items: Annotated[list[MentionIn], Body()],
    session: SessionDep,
    user: WriterUser,
) -> dict[str, int]:
    """Ingest a list of normalised mentions. Idempotent: a mention already stored (same
    network and external id) counts as a duplicate. If any item is invalid, the answer is a
    422 naming each bad item and nothing is stored."""
    limit = request.app.state.settings.max_mentions_per_request
    if len(items) > limit:
        raise Invalid(f"At most {limit} mentions per request; this one had {len(items)}.")
    outcome = await service.ingest(session, event_id, items, actor=user.username)
    return {"accepted": outcome.accepted, "duplicates": outcome.duplicates}


@router.get("/{event_id}/mentions", response_model=MentionPage)
async def list_mentions(
    event_id: int,
    session: SessionDep,
    _user: CurrentUser,
    state: MentionState | None = None,
    network: Network | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text or handle contains")] = None,
    after_seq: Annotated[int | None, Query(ge=0)] = None,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
    order: Literal["asc", "desc"] = "desc",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Mentions, newest first (``order=desc``) or in arrival order (``order=asc``).
    Page with ``before_seq`` (descending) or ``after_seq`` (ascending)."""
    await events.get_or_raise(session, event_id)
    items, has_more = await service.list_mentions(
        session,
        event_id,
        state=state.value if state else None,
        network=network.value if network else None,
        q=q or None,
        after_seq=after_seq,
        before_seq=before_seq,
        order=order,
        limit=limit,
    )
    return {"items": items, "has_more": has_more}
