"""Posts: queueing them for the outbox (a cue's drafts, a draft published now, a quick
post), and reading them back.

A post row is written with its idempotency key in the transaction that decided it, before
any network is called; the outbox (app/publish/outbox.py, the queue in app/posts/outbox.py)
publishes it once that transaction has committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.common.errors import Invalid, NotFound
from app.common.time import utcnow
from app.db import database_of
from app.journal.service import NewEntry
from app.posts.models import PostStatus
from app.posts.views import post_table, public_dict
from app.publish.outbox import OUTBOX_WAKER
from app.replies.length import MastodonCounting, check_length

NETWORKS = ("x", "mastodon", "bluesky")
NETWORK_NAMES = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky"}


@dataclass(frozen=True)
class PostSpec:
    """One post to queue: a network's text of one post of a thread."""

    network: str
    text: str
    thread_index: int = 0
    draft_id: int | None = None
    draft_version: int | None = None
    attachment_ids: list[int] = field(default_factory=list)


def draft_post_specs(draft: Any) -> list[PostSpec]:
    """A draft's posts: each post of its thread on each network whose text is not empty."""
    specs: list[PostSpec] = []
    for index, post in enumerate(draft.content.get("posts") or []):
        texts = post.get("texts") or {}
        for network in NETWORKS:
            text = texts.get(network) or ""
            if text.strip():
                specs.append(
                    PostSpec(
                        network=network,
                        text=text,
                        thread_index=index,
                        draft_id=draft.id,
                        draft_version=draft.version,
                        attachment_ids=list(post.get("attachment_ids") or []),
                    )
                )
    return specs


def networks_of(content: dict[str, Any]) -> list[str]:
    """The networks a draft's content posts to, in the usual order."""
    used = {
        network
        for post in content.get("posts") or []
        for network, text in (post.get("texts") or {}).items()
        if isinstance(text, str) and text.strip()
    }
    return [network for network in NETWORKS if network in used]


def check_fits(network: str, text: str, *, mastodon: MastodonCounting, what: str = "post") -> None:
    """Refuse (422, naming the network and the count) a text the network would not take."""
    checked = check_length(
        network, text, mastodon_limit=mastodon.max_characters,
        mastodon_url_length=mastodon.characters_reserved_per_url,
    )  # fmt: skip
    if not checked.valid:
        name = NETWORK_NAMES.get(network, network)
        raise Invalid(
            f"The {what} cannot go to {name}: {checked.reason}.",
            network=network,
            length=checked.length,
            limit=checked.limit,
            over_by=max(0, -checked.remaining),
        )


async def queue(
    session: AsyncSession,
    event_id: int,
    specs: list[PostSpec],
    *,
    author_id: int | None,
    cue_id: int | None = None,
    cue_firing: int = 0,
) -> list[dict[str, Any]]:
    """Store the posts for the outbox, each with a fresh idempotency key, and wake the
    outbox once the transaction commits; returns their public shapes, in order.

    The caller journals them (:func:`queued_entries`) beside what decided them."""
    if not specs:
        return []
    now = utcnow()
    rows = [
        {
            "event_id": event_id,
            "draft_id": spec.draft_id,
            "draft_version": spec.draft_version,
            "cue_id": cue_id,
            "cue_firing": cue_firing,
            "network": spec.network,
            "thread_index": spec.thread_index,
            "text": spec.text,
            "attachment_ids": spec.attachment_ids,
            "idempotency_key": uuid.uuid4().hex,
            "status": PostStatus.queued.value,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": None,
            "external_id": None,
            "external_url": None,
            "dry_run": None,
            "author_id": author_id,
            "created_at": now,
            "published_at": None,
        }
        for spec in specs
    ]
    # One statement for all of them (a cue fires thirty at once), in the order given.
    result = await session.execute(
        insert(post_table).returning(*post_table.c, sort_by_parameter_order=True), rows
    )
    publics = [public_dict(dict(row)) for row in result.mappings()]
    database = database_of(session)
    if database is not None and publics:
        database.wake_after_commit(session, OUTBOX_WAKER)
    return publics


def queued_entries(publics: list[dict[str, Any]], actor: str | None) -> list[NewEntry]:
    return [NewEntry("post.queued", {"post": public}, actor) for public in publics]


async def get_public(session: AsyncSession, post_id: int) -> dict[str, Any]:
    result = await session.execute(select(post_table).where(post_table.c.id == post_id))
    row = result.mappings().one_or_none()
    if row is None:
        raise NotFound(f"Post {post_id} does not exist.", post_id=post_id)
    return public_dict(dict(row))


async def list_for_event(
    session: AsyncSession, event_id: int, *, cue_id: int | None = None
) -> list[dict[str, Any]]:
    """The event's posts, oldest first (a thread's posts in order)."""
    query = select(post_table).where(post_table.c.event_id == event_id)
    if cue_id is not None:
        query = query.where(post_table.c.cue_id == cue_id)
    result = await session.execute(query.order_by(post_table.c.id))
    return [public_dict(dict(row)) for row in result.mappings()]


async def hand_published_draft_ids(session: AsyncSession, draft_ids: list[int]) -> set[int]:
    """Those of these drafts already published by hand (``POST /api/drafts/{id}/publish``:
    firing 0): a cue firing does not post them again."""
    if not draft_ids:
        return set()
    result = await session.execute(
        select(post_table.c.draft_id)
        .where(post_table.c.draft_id.in_(draft_ids), post_table.c.cue_firing == 0)
        .distinct()
    )
    return {int(value) for value in result.scalars()}
