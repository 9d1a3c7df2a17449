"""Firing a cue, re-arming it, and publishing one draft now: each exactly once.

Who fires is decided by one conditional UPDATE of the cue: ``armed`` and the
``fire_count`` read must still hold, and the winner disarms the cue and counts the
firing in the same statement. Every writer first takes the event's journal counter
(``journal.lock_counter``), so on PostgreSQL concurrent firings of one event queue on that
row lock and each reads the cue as the previous one left it; on SQLite the single writer
does the same. The winner writes the posts (with their idempotency keys), marks the drafts
published and journals ``cue.fired`` and ``post.queued`` in the same transaction; a loser
changes nothing and gets 409 saying when and by whom the cue fired. (draft, firing,
network, thread index) is unique on ``post`` besides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.common.errors import Conflict, Invalid, NotFound
from app.common.sql import affected
from app.common.time import utcnow
from app.cues import views
from app.cues.due import due_time, wake_scheduler_after_commit
from app.drafts import approval
from app.drafts.models import Draft, DraftStatus
from app.events.models import Event
from app.journal import service as journal
from app.posts import service as posts
from app.posts.views import post_table

cue_table = views.cue_table
draft_table = views.draft_table


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "display_name": user.display_name}


async def _lock_cue(
    session: AsyncSession, cue_id: int
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """The cue's event's journal counter (taken first), and the cue as it now is (public,
    and its row)."""
    event_id = (
        await session.execute(
            select(cue_table.c.event_id).where(
                cue_table.c.id == cue_id, cue_table.c.deleted_at.is_(None)
            )
        )
    ).scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Cue {cue_id} does not exist.", cue_id=cue_id)
    last_seq = await journal.lock_counter(session, event_id)
    result = await session.execute(select(cue_table).where(cue_table.c.id == cue_id))
    row = dict(result.mappings().one())
    if row["deleted_at"] is not None:
        raise NotFound(f"Cue {cue_id} does not exist.", cue_id=cue_id)
    return last_seq, await views.public_cue(session, cue_id), row


def _already_fired(cue: dict[str, Any]) -> Conflict:
    who = cue["fired_by"]
    by = f"by {who['display_name'] or who['username']}" if who else "by its schedule"
    return Conflict(
        f"Cue '{cue['title']}' already fired at {cue['fired_at']} {by}; "
        "a producer re-arms it to fire it again.",
        cue_id=cue["id"],
        fired_at=cue["fired_at"],
        fired_by=who,
        fire_count=cue["fire_count"],
    )


async def fire(
    session: AsyncSession,
    cue_id: int,
    *,
    user: User | None,
    now: datetime | None = None,
    due_at: datetime | None = None,
) -> dict[str, Any]:
    """Fire the cue: publish each of its approved drafts on each of its networks, once.

    ``user`` None is the scheduler, which also passes the ``due_at`` it found (a cue
    rescheduled meanwhile is not fired on a stale reading). 404 for a deleted or unknown
    cue, 409 if it is not armed (it fired and was not re-armed)."""
    now = now or utcnow()
    last_seq, cue, _row = await _lock_cue(session, cue_id)
    if not cue["armed"]:
        raise _already_fired(cue)
    firing = cue["fire_count"] + 1
    conditions = [
        cue_table.c.id == cue_id,
        cue_table.c.armed.is_(True),
        cue_table.c.fire_count == cue["fire_count"],
        cue_table.c.deleted_at.is_(None),
    ]
    if user is None:
        conditions.append(cue_table.c.due_at == due_at)
    won = await affected(
        session,
        update(cue_table)
        .where(*conditions)
        .values(
            armed=False,
            fire_count=firing,
            fired_at=now,
            fired_by_id=user.id if user else None,
            updated_at=now,
        ),
    )
    if won != 1:
        # Read under the counter lock, so only the scheduler's stale due time gets here
        # (the cue was rescheduled after it looked); it lets the cue be.
        raise Conflict(f"Cue {cue_id} changed before its time; not fired.", cue_id=cue_id)
    queued, not_published, published = await _queue_drafts(session, cue, firing, user, now)
    data = {
        "cue_id": cue_id,
        # The title as fired: the replay and the report name the cue from the journal alone.
        "title": cue["title"],
        "firing": firing,
        "fired_by": _person(user),
        "by_schedule": user is None,
        "post_ids": [post["id"] for post in queued],
        "not_published": not_published,
    }
    actor = user.username if user else None
    entries = [journal.NewEntry("cue.fired", data, actor)]
    # Each draft the cue published says so, as one published by hand does.
    entries += [
        journal.NewEntry(
            "draft.published",
            {
                "draft_id": draft_id,
                "by_hand": False,
                "cue_id": cue_id,
                "firing": firing,
                "post_ids": [post["id"] for post in queued if post["draft_id"] == draft_id],
            },
            actor,
        )
        for draft_id in published
    ]
    entries += posts.queued_entries(queued, actor)
    await journal.write(session, cue["event_id"], last_seq, entries)
    return {
        "cue": await views.public_cue(session, cue_id),
        "firing": firing,
        "post_ids": data["post_ids"],
        "posts": queued,
        "not_published": not_published,
    }


async def _queue_drafts(
    session: AsyncSession, cue: dict[str, Any], firing: int, user: User | None, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[int]]:
    """The posts queued, the drafts not published (and why), the drafts published."""
    drafts = list(
        (
            await session.execute(
                select(Draft)
                .where(
                    Draft.cue_id == cue["id"],
                    # A draft of another event never rides on this event's cue.
                    Draft.event_id == cue["event_id"],
                    Draft.deleted_at.is_(None),  # type: ignore[union-attr]
                )
                .order_by(Draft.position, Draft.id)  # type: ignore[arg-type]
            )
        ).scalars()
    )
    earlier = await _earlier_posts(session, [draft.id for draft in drafts if draft.id])
    all_specs: list[posts.PostSpec] = []
    published: list[int] = []
    not_published: list[dict[str, Any]] = []
    for draft in drafts:
        assert draft.id is not None
        reason = _why_not(draft, cue["id"], firing, earlier.get(draft.id, set()))
        specs = posts.draft_post_specs(draft) if reason is None else []
        if reason is None and not specs:
            reason = "it has no text for any network"
        if reason is not None:
            not_published.append({"draft_id": draft.id, "status": draft.status, "reason": reason})
            continue
        all_specs += specs
        published.append(draft.id)
    queued = await posts.queue(
        session,
        cue["event_id"],
        all_specs,
        author_id=user.id if user else None,
        cue_id=cue["id"],
        cue_firing=firing,
    )
    await approval.mark_published(session, published, now)
    return queued, not_published, published


async def _earlier_posts(
    session: AsyncSession, draft_ids: list[int]
) -> dict[int, set[tuple[int | None, int]]]:
    """For each draft, the (cue, firing) pairs it was already posted by (firing 0: by hand)."""
    if not draft_ids:
        return {}
    result = await session.execute(
        select(post_table.c.draft_id, post_table.c.cue_id, post_table.c.cue_firing)
        .where(post_table.c.draft_id.in_(draft_ids))
        .distinct()
    )
    earlier: dict[int, set[tuple[int | None, int]]] = {}
    for draft_id, cue_id, cue_firing in result.all():
        earlier.setdefault(draft_id, set()).add((cue_id, cue_firing))
    return earlier


def _why_not(
    draft: Draft, cue_id: int, firing: int, earlier: set[tuple[int | None, int]]
) -> str | None:
    """Why this firing does not post the draft, or None when it does.

    An approved draft posts. A published one posts again only on a re-air of the cue that
    published it (never after it was published by hand or by another cue)."""
    if any(done_firing == firing for _cue, done_firing in earlier):
        return f"it was already posted by firing {firing} of another cue"
    if draft.status == DraftStatus.approved:
        return None
    if draft.status == DraftStatus.published:
        if earlier and all(done_cue == cue_id and n > 0 for done_cue, n in earlier):
            return None
        return "it was already published by hand or by another cue"
    status = draft.status.replace("_", " ")
    return f"it is not approved (it is {status})"


async def rearm(session: AsyncSession, cue_id: int, user: User) -> dict[str, Any]:
    """Allow one more firing (the West Coast re-air); 409 if the cue is armed already.

    A scheduled cue whose time has passed comes back unscheduled (fire it by hand, or
    give it a new time)."""
    last_seq, cue, row = await _lock_cue(session, cue_id)
    if cue["armed"]:
        raise Conflict(
            f"Cue '{cue['title']}' is armed already (it has fired {cue['fire_count']} times).",
            cue_id=cue_id,
            fire_count=cue["fire_count"],
        )
    event = await session.get(Event, cue["event_id"])
    now = utcnow()
    due = due_time(row["trigger"], row["fire_at"], row["offset_seconds"], event)
    if due is not None and due <= now:
        due = None
    await session.execute(
        update(cue_table)
        .where(cue_table.c.id == cue_id, cue_table.c.armed.is_(False))
        .values(armed=True, due_at=due, updated_at=now)
    )
    public = await views.public_cue(session, cue_id)
    data = {"cue_id": cue_id, "firing": cue["fire_count"] + 1, "cue": public}
    await journal.write(
        session, cue["event_id"], last_seq, [journal.NewEntry("cue.rearmed", data, user.username)]
    )
    wake_scheduler_after_commit(session)
    return public


async def publish_draft_now(session: AsyncSession, draft_id: int, user: User) -> dict[str, Any]:
    """Publish one approved draft now, outside any cue, once (its posts are firing 0)."""
    event_id = (
        await session.execute(
            select(draft_table.c.event_id).where(
                draft_table.c.id == draft_id, draft_table.c.deleted_at.is_(None)
            )
        )
    ).scalar_one_or_none()
    if event_id is None:
        raise NotFound(f"Draft {draft_id} does not exist.", draft_id=draft_id)
    last_seq = await journal.lock_counter(session, event_id)
    draft = await session.get(Draft, draft_id, populate_existing=True)
    if draft is None or draft.deleted_at is not None:
        raise NotFound(f"Draft {draft_id} does not exist.", draft_id=draft_id)
    earlier = await _earlier_posts(session, [draft_id])
    if any(firing == 0 for _cue, firing in earlier.get(draft_id, set())):
        raise Conflict(
            f"Draft {draft_id} was already published by hand; it is published once.",
            draft_id=draft_id,
            status=draft.status,
        )
    if draft.status != DraftStatus.approved:
        status = draft.status.replace("_", " ")
        raise Conflict(
            f"Draft {draft_id} is {status}; only an approved draft can be published.",
            draft_id=draft_id,
            status=draft.status,
        )
    specs = posts.draft_post_specs(draft)
    if not specs:
        raise Invalid(f"Draft {draft_id} has no text for any network.", draft_id=draft_id)
    queued = await posts.queue(session, event_id, specs, author_id=user.id)
    await approval.mark_published(session, [draft_id], utcnow())
    entries = [
        journal.NewEntry(
            "draft.published",
            {"draft_id": draft_id, "by_hand": True, "post_ids": [post["id"] for post in queued]},
            user.username,
        ),
        *posts.queued_entries(queued, user.username),
    ]
    await journal.write(session, event_id, last_seq, entries)
    return {"draft_id": draft_id, "post_ids": [post["id"] for post in queued], "posts": queued}
