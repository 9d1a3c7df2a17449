"""Drafts and their versions as the API and the journal show them (``DraftPublic``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import User
from app.common.time import isoformat_z
from app.drafts.models import Draft, DraftVersion

People = dict[int, dict[str, Any]]


async def people(session: AsyncSession, ids: Iterable[int | None]) -> People:
    """``{id: {id, username, display_name}}`` for the users among ``ids``."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    result = await session.execute(
        select(col(User.id), col(User.username), col(User.display_name)).where(
            col(User.id).in_(wanted)
        )
    )
    return {
        row.id: {
            "id": row.id,
            "username": row.username,
            "display_name": row.display_name or row.username,
        }
        for row in result
    }


def _person(everyone: People, user_id: int | None) -> dict[str, Any] | None:
    return everyone.get(user_id) if user_id is not None else None


def people_of(drafts: Iterable[Draft]) -> set[int | None]:
    ids: set[int | None] = set()
    for draft in drafts:
        ids.update((draft.approved_by_id, draft.created_by_id, draft.updated_by_id))
    return ids


def draft_dict(draft: Draft, everyone: People) -> dict[str, Any]:
    """The whole draft, its note included: the journal keeps this, and viewers are given
    it without the note (:func:`for_role`, app/journal/visibility.py)."""
    return {
        "id": draft.id,
        "event_id": draft.event_id,
        "cue_id": draft.cue_id,
        "position": draft.position,
        "title": draft.title,
        "content": draft.content,
        "tags": draft.tags,
        "note": draft.note,
        "status": draft.status,
        "version": draft.version,
        "approved_version": draft.approved_version,
        "approved_by": _person(everyone, draft.approved_by_id),
        "approved_at": isoformat_z(draft.approved_at) if draft.approved_at else None,
        "created_by": _person(everyone, draft.created_by_id),
        "updated_by": _person(everyone, draft.updated_by_id),
        "created_at": isoformat_z(draft.created_at),
        "updated_at": isoformat_z(draft.updated_at),
    }


async def draft_public(session: AsyncSession, draft: Draft) -> dict[str, Any]:
    return draft_dict(draft, await people(session, people_of([draft])))


def without_note(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key != "note"}


def snapshot_of(draft: Draft) -> dict[str, Any]:
    """What a version keeps: everything a person edits."""
    return {
        "title": draft.title,
        "content": draft.content,
        "tags": draft.tags,
        "note": draft.note,
        "cue_id": draft.cue_id,
        "position": draft.position,
    }


def version_dict(version: DraftVersion, everyone: People, *, with_note: bool) -> dict[str, Any]:
    snapshot = version.snapshot if with_note else without_note(version.snapshot)
    return {
        "draft_id": version.draft_id,
        "version": version.version,
        "summary": version.summary,
        "author": _person(everyone, version.author_id),
        "created_at": isoformat_z(version.created_at),
        "snapshot": snapshot,
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What differs between two snapshots, as the history names it: ``texts.x`` for a text
    on X in any post, ``attachments``, ``thread`` (posts added or removed), ``title`` …"""
    changed: list[str] = []
    for field in ("title", "tags", "note", "cue_id", "position"):
        if before.get(field) != after.get(field):
            changed.append(field)
    before_posts = (before.get("content") or {}).get("posts", [])
    after_posts = (after.get("content") or {}).get("posts", [])
    if len(before_posts) != len(after_posts):
        changed.append("thread")
    for network in ("x", "mastodon", "bluesky"):
        texts_before = [p.get("texts", {}).get(network, "") for p in before_posts]
        texts_after = [p.get("texts", {}).get(network, "") for p in after_posts]
        if texts_before != texts_after:
            changed.append(f"texts.{network}")
    images_before = [p.get("attachment_ids", []) for p in before_posts]
    images_after = [p.get("attachment_ids", []) for p in after_posts]
    if images_before != images_after:
        changed.append("attachments")
    return changed


# A change to any of these changes what would be published: an approved draft goes back
# to review. Title, tags, note and its place on the sheet do not.
PUBLISHED_FIELDS = frozenset(
    {"thread", "texts.x", "texts.mastodon", "texts.bluesky", "attachments"}
)
