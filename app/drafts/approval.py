"""draft → in_review → approved → published (docs/drafts.md).

Operators write and submit; producers approve one draft (the version they saw), all the
drafts of a cue, or the whole sheet. Status changes are not saves: they keep the version
(the ETag names the content), and they are journaled. ``published`` is set here too
(``mark_published``), when firing a cue or publishing by hand has queued a draft's posts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.common.errors import Conflict, Invalid, NotFound
from app.common.sql import affected
from app.common.time import utcnow
from app.drafts import content as checks
from app.drafts.models import Draft, DraftStatus
from app.drafts.schemas import BulkApprove
from app.drafts.service import Editor, check_seen, lock
from app.drafts.views import draft_dict, people, people_of
from app.events.service import get_or_raise as get_event
from app.journal import service as journal


async def submit(session: AsyncSession, draft_id: int, editor: Editor) -> Draft:
    """Ask for approval. Submitting one already in review changes nothing."""
    draft, last_seq = await lock(session, draft_id)
    if draft.status == DraftStatus.in_review:
        return draft
    if draft.status != DraftStatus.draft:
        raise Conflict(
            f"Draft {draft_id} is {draft.status}; only a draft can be submitted.",
            status=draft.status,
        )
    await _check_ready(session, draft, editor)
    _set(draft, DraftStatus.in_review, editor)
    await _journal(session, [draft], last_seq, "draft.submitted", editor)
    return draft


async def return_to_draft(
    session: AsyncSession, draft_id: int, reason: str, editor: Editor
) -> Draft:
    """Send a draft in review (or approved) back to its writers, saying why."""
    draft, last_seq = await lock(session, draft_id)
    if draft.status not in (DraftStatus.in_review, DraftStatus.approved):
        raise Conflict(
            f"Draft {draft_id} is {draft.status}; only a draft in review or approved can be "
            "sent back.",
            status=draft.status,
        )
    _set(draft, DraftStatus.draft, editor)
    await _journal(session, [draft], last_seq, "draft.returned", editor, reason=reason)
    return draft


async def approve(session: AsyncSession, draft_id: int, seen: int, editor: Editor) -> Draft:
    """Approve the version ``seen``: 412 if the draft changed since the producer read it."""
    draft, last_seq = await lock(session, draft_id)
    await check_seen(session, draft, seen)
    if draft.status == DraftStatus.published:
        raise Conflict(f"Draft {draft_id} is already published.", status=draft.status)
    if draft.status == DraftStatus.approved and draft.approved_version == draft.version:
        return draft
    await _check_ready(session, draft, editor)
    _approve(draft, editor)
    await _journal(session, [draft], last_seq, "draft.approved", editor)
    return draft


async def approve_many(
    session: AsyncSession, event_id: int, scope: BulkApprove, editor: Editor
) -> tuple[list[Draft], list[dict[str, Any]]]:
    """Approve every draft in ``scope`` that may be; answer those and the ones skipped
    (already approved, published, empty or over a limit), each with its reason."""
    last_seq = await journal.lock_counter(session, event_id)
    event = await get_event(session, event_id)
    drafts = await _in_scope(session, event_id, scope)
    approved: list[Draft] = []
    skipped: list[dict[str, Any]] = []
    for draft in drafts:
        reason = await _why_not(session, draft, event.networks, editor)
        if reason is not None:
            skipped.append({"draft_id": draft.id, "status": draft.status, "reason": reason})
            continue
        _approve(draft, editor)
        approved.append(draft)
    await _journal(session, approved, last_seq, "draft.approved", editor)
    return approved, skipped


async def mark_published(session: AsyncSession, draft_ids: list[int], now: datetime) -> int:
    """approved → published, once their posts are queued; answers how many changed (a
    draft published before, on a re-air, stays published).
    Firing a cue and publishing a draft by hand call it, in their own transaction."""
    if not draft_ids:
        return 0
    return await affected(
        session,
        update(Draft)
        .where(
            col(Draft.id).in_(draft_ids),
            col(Draft.status) == DraftStatus.approved.value,
            col(Draft.deleted_at).is_(None),
        )
        .values(status=DraftStatus.published.value, updated_at=now),
    )


async def _in_scope(session: AsyncSession, event_id: int, scope: BulkApprove) -> list[Draft]:
    query = select(Draft).where(
        col(Draft.event_id) == event_id,
        col(Draft.deleted_at).is_(None),
    )
    if scope.cue_id is not None:
        await checks.check_cue(session, event_id, scope.cue_id)
        query = query.where(col(Draft.cue_id) == scope.cue_id)
    elif scope.draft_ids is not None:
        query = query.where(col(Draft.id).in_(scope.draft_ids))
    result = await session.execute(
        query.order_by(col(Draft.cue_id), col(Draft.position), col(Draft.id)).execution_options(
            populate_existing=True
        )
    )
    drafts = list(result.scalars())
    if scope.draft_ids is not None:
        missing = sorted(set(scope.draft_ids) - {d.id for d in drafts})
        if missing:
            raise NotFound(
                f"Not drafts of this event: {', '.join(map(str, missing))}.",
                draft_ids=missing,
            )
    return drafts


async def _why_not(
    session: AsyncSession, draft: Draft, networks: list[str], editor: Editor
) -> str | None:
    if draft.status == DraftStatus.published:
        return "already published"
    if draft.status == DraftStatus.approved and draft.approved_version == draft.version:
        return "already approved"
    if not checks.has_text(draft.content):
        return "no text on any network"
    try:
        await checks.check_content(
            session,
            event_id=draft.event_id,
            event_networks=networks,
            content=draft.content,
            mastodon_default_limit=editor.mastodon_default_limit,
        )
    except Invalid as refused:
        return refused.message
    return None


async def _check_ready(session: AsyncSession, draft: Draft, editor: Editor) -> None:
    """Something to post, and nothing a network would refuse (limits may have changed)."""
    if not checks.has_text(draft.content):
        raise Invalid(f"Draft {draft.id} has no text on any network yet.")
    event = await get_event(session, draft.event_id)
    await checks.check_content(
        session,
        event_id=draft.event_id,
        event_networks=event.networks,
        content=draft.content,
        mastodon_default_limit=editor.mastodon_default_limit,
    )


def _set(draft: Draft, status: DraftStatus, editor: Editor) -> None:
    draft.status = status.value
    draft.updated_by_id = editor.user_id
    draft.updated_at = utcnow()


def _approve(draft: Draft, editor: Editor) -> None:
    _set(draft, DraftStatus.approved, editor)
    draft.approved_version = draft.version
    draft.approved_by_id = editor.user_id
    draft.approved_at = draft.updated_at


async def _journal(
    session: AsyncSession,
    drafts: list[Draft],
    last_seq: int,
    entry_type: str,
    editor: Editor,
    **extra: Any,
) -> None:
    if not drafts:
        return
    for draft in drafts:
        session.add(draft)
    await session.flush()
    everyone = await people(session, people_of(drafts))
    entries = [
        journal.NewEntry(entry_type, {"draft": draft_dict(draft, everyone), **extra}, editor.actor)
        for draft in drafts
    ]
    await journal.write(session, drafts[0].event_id, last_seq, entries)
