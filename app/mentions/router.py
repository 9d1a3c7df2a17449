from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, Query, Request, Response

from app.auth.deps import CurrentUser, ProducerUser, WriterUser
from app.common.errors import Invalid
from app.common.ids import MAX_ID, Id
from app.common.text import StoredText
from app.config import MENTIONS_PER_REQUEST_CEILING
from app.db import SessionDep
from app.events import service as events
from app.events.models import Network
from app.journal.visibility import shown_to
from app.mentions import queries, service, tags, vips
from app.mentions.models import MentionState
from app.mentions.schemas import IngestResult, MentionIn, MentionPage
from app.mentions.vip_schemas import VipList, VipListIn, VipListUpdated

router = APIRouter(prefix="/api/events", tags=["mentions"])

# "<priority>:<seq>" of the last mention of a priority-sorted page.
CURSOR_PATTERN = r"^-?\d{1,9}:\d{1,12}$"


@router.post("/{event_id}/mentions", response_model=IngestResult)
async def ingest_mentions(
    event_id: Id,
    request: Request,
    items: Annotated[list[MentionIn], Body(max_length=MENTIONS_PER_REQUEST_CEILING)],
    session: SessionDep,
    user: WriterUser,
) -> Response:
    """Ingest a list of normalised mentions. Idempotent: a mention already stored (same
    network and external id) counts as a duplicate. If any item is invalid, the answer is a
    422 naming each bad item and nothing is stored."""
    limit = request.app.state.settings.max_mentions_per_request
    if len(items) > limit:
        raise Invalid(f"At most {limit} mentions per request; this one had {len(items)}.")
    outcome = await service.ingest(session, event_id, items, actor=user.username)
    # Serialised here: the response_model (kept for the schema) would validate and
    # serialise these two ints again, a sizeable share of a small request's cost.
    body = {"accepted": outcome.accepted, "duplicates": outcome.duplicates}
    return Response(orjson.dumps(body), media_type="application/json")


@router.get("/{event_id}/mentions", response_model=MentionPage)
async def list_mentions(
    event_id: Id,
    session: SessionDep,
    user: CurrentUser,
    state: MentionState | None = None,
    network: Network | None = None,
    q: Annotated[
        StoredText | None, Query(max_length=200, description="Text or handle contains")
    ] = None,
    tag: Annotated[StoredText | None, Query(max_length=60, description="Has this tag")] = None,
    flagged: Annotated[bool | None, Query(description="Flagged for the producer")] = None,
    after_seq: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    before_seq: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    order: Literal["asc", "desc"] = "desc",
    sort: Annotated[
        Literal["seq", "priority"],
        Query(description="seq: arrival order (see order); priority: highest first, then oldest"),
    ] = "seq",
    cursor: Annotated[
        str | None,
        Query(
            pattern=CURSOR_PATTERN,
            description="With sort=priority: the next_cursor of the previous page.",
        ),
    ] = None,
    heads_only: Annotated[
        bool,
        Query(
            description="One mention per flood group: its head, and mentions alone "
            "(members, with a cluster_id, are left out), as claim next offers them."
        ),
    ] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Mentions, newest first (``order=desc``) or in arrival order (``order=asc``).
    Page with ``before_seq`` (descending) or ``after_seq`` (ascending). With
    ``sort=priority``, the triage queue's order; page with ``cursor``; with ``heads_only``
    too, the queue as claim next takes it."""
    await events.get_or_raise(session, event_id)
    if cursor is not None and sort != "priority":
        raise Invalid(
            "cursor pages a sort=priority listing; page by seq with after_seq/before_seq."
        )
    try:
        wanted_tag = tags.normalise_tag(tag) if tag else None
    except ValueError as exc:
        raise Invalid(f"tag: {exc}") from None
    after_priority = None
    if cursor is not None:
        priority_text, _, seq_text = cursor.partition(":")
        after_priority = (int(priority_text), int(seq_text))
    items, has_more = await queries.list_mentions(
        session,
        event_id,
        state=state.value if state else None,
        network=network.value if network else None,
        q=q or None,
        tag=wanted_tag,
        flagged=flagged,
        after_seq=after_seq,
        before_seq=before_seq,
        order=order,
        sort=sort,
        after_priority=after_priority,
        heads_only=heads_only,
        limit=limit,
    )
    next_cursor = None
    if sort == "priority" and has_more and items:
        next_cursor = f"{items[-1]['priority']}:{items[-1]['seq']}"
    return {
        "items": [shown_to(user.role, item) for item in items],
        "has_more": has_more,
        "next_cursor": next_cursor,
    }


@router.get("/{event_id}/vips", response_model=VipList, tags=["events"])
async def get_vips(event_id: Id, session: SessionDep, _user: WriterUser) -> dict[str, Any]:
    """The VIP list: handles whose mentions come first in the triage queue."""
    return {"event_id": event_id, "vips": await vips.get_vips(session, event_id)}


@router.put("/{event_id}/vips", response_model=VipListUpdated, tags=["events"])
async def replace_vips(
    event_id: Id, data: VipListIn, session: SessionDep, user: ProducerUser
) -> dict[str, Any]:
    """Replace the VIP list. Handles are matched without ``@`` and case; a handle without a
    network counts on every network. Mentions already stored are re-prioritised."""
    return await vips.replace_vips(session, event_id, data.vips, actor=user.username)
