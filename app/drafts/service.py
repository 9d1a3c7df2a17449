"""Drafts: create, edit, delete and restore, each save a new version (docs/drafts.md).

The concurrency rule: a save names the version it edits (``If-Match``) and lands only as a
conditional ``UPDATE … WHERE id = :id AND version = :seen``. Of several editors holding the
same version exactly one lands; the others get 412 with the draft as it is now. Every
writer of an event also takes the event's journal counter first (app/journal/service.py),
so the check, the update, the version row and the journal entry are one step in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import User
from app.common.errors import Conflict, NotFound, PreconditionFailed
from app.common.time import utcnow
from app.drafts import content as checks
from app.drafts.models import Draft, DraftStatus, DraftVersion
from app.drafts.schemas import DraftCreate, DraftUpdate
from app.drafts.views import (
    PUBLISHED_FIELDS,
    changed_fields,
    draft_public,
    snapshot_of,
)
from app.events.service import get_or_raise as get_event
from app.journal import service as journal


@dataclass(frozen=True)
class Editor:
    """Who saves, and the Mastodon limit the texts are counted against until the event's
    server is known (CUEDESK_MASTODON_MAX_CHARACTERS)."""

    user: User
    mastodon_default_limit: int

    @property
    def user_id(self) -> int | None:
        return self.user.id

    @property
    def actor(self) -> str:
        return self.user.username


def etag(version: int) -> str:
    return f'"{version}"'


async def get_or_raise(session: AsyncSession, draft_id: int) -> Draft:
    """The draft, read afresh (not from the session's memory); 404 once deleted."""
    result = await session.execute(
        select(Draft)
        .where(col(Draft.id) == draft_id, col(Draft.deleted_at).is_(None))
        .execution_options(populate_existing=True)
    )
    draft = result.scalar_one_or_none()
    if draft is None:
        raise NotFound(f"Draft {draft_id} does not exist.", draft_id=draft_id)
    return draft


async def lock(session: AsyncSession, draft_id: int) -> tuple[Draft, int]:
    """The draft with its event's journal counter held, and the counter's last seq."""
    event_id = (await get_or_raise(session, draft_id)).event_id
    last_seq = await journal.lock_counter(session, event_id)
    return await get_or_raise(session, draft_id), last_seq


async def stale(session: AsyncSession, draft: Draft, seen: int) -> PreconditionFailed:
    """412: the body is the draft as it is now (with ``detail``), its ETag the current one."""
    current = await draft_public(session, draft)
    error = PreconditionFailed(
        f"Draft {draft.id} is at version {draft.version}, not {seen}: someone saved it in "
        "between. Merge your change into this version and save again.",
        **current,
    )
    error.headers = {"ETag": etag(draft.version)}
    return error


async def check_seen(session: AsyncSession, draft: Draft, seen: int) -> None:
    if draft.version != seen:
        raise await stale(session, draft, seen)


async def create(session: AsyncSession, event_id: int, data: DraftCreate, editor: Editor) -> Draft:
    last_seq = await journal.lock_counter(session, event_id)
    event = await get_event(session, event_id)
    content = checks.normalised(data.content)
    await checks.check_content(
        session,
        event_id=event_id,
        event_networks=event.networks,
        content=content,
        mastodon_default_limit=editor.mastodon_default_limit,
    )
    if data.cue_id is not None:
        await checks.check_cue(session, event_id, data.cue_id)
    position = data.position
    if position is None:
        position = await checks.next_position(session, event_id, data.cue_id)
    draft = Draft(
        event_id=event_id,
        cue_id=data.cue_id,
        position=position,
        title=data.title,
        content=content,
        tags=list(dict.fromkeys(data.tags)),
        note=data.note,
        created_by_id=editor.user_id,
        updated_by_id=editor.user_id,
    )
    session.add(draft)
    await session.flush()
    assert draft.id is not None
    await _keep_version(session, draft, "created", editor)
    await _journal(session, draft, last_seq, "draft.created", editor)
    return draft


async def list_for_event(
    session: AsyncSession, event_id: int, *, cue_id: int | None = None
) -> list[Draft]:
    await get_event(session, event_id)
    query = select(Draft).where(
        col(Draft.event_id) == event_id,
        col(Draft.deleted_at).is_(None),
    )
    if cue_id is not None:
        query = query.where(col(Draft.cue_id) == cue_id)
    query = query.order_by(
        col(Draft.cue_id).is_(None),
        col(Draft.cue_id),
        col(Draft.position),
        col(Draft.id),
    )
    return list((await session.execute(query)).scalars())


async def update(
    session: AsyncSession, draft_id: int, seen: int, data: DraftUpdate, editor: Editor
) -> Draft:
    draft, last_seq = await lock(session, draft_id)
    await check_seen(session, draft, seen)
    _refuse_published(draft)
    changes = data.model_dump(exclude_unset=True)
    after = snapshot_of(draft)
    if "content" in changes:
        assert data.content is not None
        after["content"] = checks.normalised(data.content)
    if "tags" in changes:
        after["tags"] = list(dict.fromkeys(changes["tags"]))
    for field in ("title", "note", "cue_id", "position"):
        if field in changes:
            after[field] = changes[field]
    changed = changed_fields(snapshot_of(draft), after)
    if not changed:
        return draft
    await _check_snapshot(session, draft, after, changed, editor)
    if "cue_id" in changed and "position" not in changes:
        after["position"] = await checks.next_position(session, draft.event_id, after["cue_id"])
    await _save(session, draft, seen, after, changed, editor, summary=", ".join(changed))
    await _journal(session, draft, last_seq, "draft.updated", editor, changed=changed)
    return draft


async def restore(
    session: AsyncSession, draft_id: int, version: int, seen: int, editor: Editor
) -> Draft:
    """Version ``version``'s title, texts, images, tags and note, saved as a new version.

    Where the draft sits on the sheet (its cue and position) stays as it is now."""
    draft, last_seq = await lock(session, draft_id)
    await check_seen(session, draft, seen)
    _refuse_published(draft)
    kept = await get_version(session, draft_id, version)
    after = snapshot_of(draft)
    for field in ("title", "content", "tags", "note"):
        after[field] = kept.snapshot.get(field, after[field])
    changed = changed_fields(snapshot_of(draft), after)
    if not changed:
        return draft
    await _check_snapshot(session, draft, after, changed, editor)
    summary = f"restored from version {version}: " + ", ".join(changed)
    await _save(session, draft, seen, after, changed, editor, summary=summary)
    await _journal(
        session,
        draft,
        last_seq,
        "draft.restored",
        editor,
        changed=changed,
        restored_from=version,
    )
    return draft


async def delete(session: AsyncSession, draft_id: int, seen: int, editor: Editor) -> Draft:
    """Kept for the journal and the posts that name it, but never shown or fired again."""
    draft, last_seq = await lock(session, draft_id)
    await check_seen(session, draft, seen)
    now = utcnow()
    result = await session.execute(
        sql_update(Draft)
        .where(col(Draft.id) == draft_id, col(Draft.version) == seen)
        .values(deleted_at=now, updated_at=now, updated_by_id=editor.user_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise await stale(session, await get_or_raise(session, draft_id), seen)
    await session.refresh(draft)
    await _journal(session, draft, last_seq, "draft.deleted", editor)
    return draft


async def list_versions(session: AsyncSession, draft_id: int) -> list[DraftVersion]:
    await get_or_raise(session, draft_id)
    result = await session.execute(
        select(DraftVersion)
        .where(col(DraftVersion.draft_id) == draft_id)
        .order_by(col(DraftVersion.version).desc())
    )
    return list(result.scalars())


async def get_version(session: AsyncSession, draft_id: int, version: int) -> DraftVersion:
    result = await session.execute(
        select(DraftVersion).where(
            col(DraftVersion.draft_id) == draft_id, col(DraftVersion.version) == version
        )
    )
    kept = result.scalar_one_or_none()
    if kept is None:
        raise NotFound(
            f"Draft {draft_id} has no version {version}.", draft_id=draft_id, version=version
        )
    return kept


async def approved_content(session: AsyncSession, draft: Draft) -> dict[str, Any] | None:
    """The content as approved, when the draft changed since (for the approver's compare)."""
    if draft.approved_version is None or draft.approved_version == draft.version:
        return None
    kept = await get_version(session, draft.id or 0, draft.approved_version)
    content: dict[str, Any] = kept.snapshot.get("content", {})
    return content


def _refuse_published(draft: Draft) -> None:
    if draft.status == DraftStatus.published:
        raise Conflict(
            f"Draft {draft.id} is published; it is kept as it went out. Create a new draft "
            "for a new post.",
            status=draft.status,
        )


async def _check_snapshot(
    session: AsyncSession,
    draft: Draft,
    after: dict[str, Any],
    changed: list[str],
    editor: Editor,
) -> None:
    if PUBLISHED_FIELDS.intersection(changed):
        event = await get_event(session, draft.event_id)
        await checks.check_content(
            session,
            event_id=draft.event_id,
            event_networks=event.networks,
            content=after["content"],
            mastodon_default_limit=editor.mastodon_default_limit,
        )
    if "cue_id" in changed and after["cue_id"] is not None:
        await checks.check_cue(session, draft.event_id, after["cue_id"])


async def _save(
    session: AsyncSession,
    draft: Draft,
    seen: int,
    after: dict[str, Any],
    changed: list[str],
    editor: Editor,
    *,
    summary: str,
) -> None:
    """The conditional UPDATE on (id, version), then the new version's row."""
    status = draft.status
    if status == DraftStatus.approved and PUBLISHED_FIELDS.intersection(changed):
        # The approver sees the change against approved_version, which stays.
        status = DraftStatus.in_review.value
    result = await session.execute(
        sql_update(Draft)
        .where(col(Draft.id) == draft.id, col(Draft.version) == seen)
        .values(
            **after,
            status=status,
            version=seen + 1,
            updated_by_id=editor.user_id,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise await stale(session, await get_or_raise(session, draft.id or 0), seen)
    await session.refresh(draft)
    await _keep_version(session, draft, summary, editor)


async def _keep_version(session: AsyncSession, draft: Draft, summary: str, editor: Editor) -> None:
    assert draft.id is not None
    session.add(
        DraftVersion(
            draft_id=draft.id,
            version=draft.version,
            snapshot=snapshot_of(draft),
            summary=summary[:500],
            author_id=editor.user_id,
            created_at=draft.updated_at,
        )
    )
    await session.flush()


async def _journal(
    session: AsyncSession,
    draft: Draft,
    last_seq: int,
    entry_type: str,
    editor: Editor,
    **extra: Any,
) -> None:
    data = {"draft": await draft_public(session, draft), **extra}
    await journal.write(
        session, draft.event_id, last_seq, [journal.NewEntry(entry_type, data, editor.actor)]
    )
