"""Small factories for test data."""

from __future__ import annotations

from typing import Any


def mention_payload(external_id: str | int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "network": "x",
        "external_id": str(external_id),
        "author": {"handle": f"fan{external_id}", "name": "A Fan", "followers": 120},
        "text": f"What a match! #CupFinal {external_id}",
        "created_at": "2026-02-08T20:00:00Z",
    }
    payload.update(overrides)
    return payload


async def make_draft(
    session: Any,
    event_id: int,
    *,
    cue: int | None = None,
    status: str = "approved",
    content: dict[str, Any] | None = None,
    title: str = "",
    position: int = 0,
) -> int:
    """A draft row as the drafts service would leave it (one post on X and Mastodon unless
    ``content`` says otherwise); returns its id."""
    from app.drafts.models import Draft

    draft = Draft(
        event_id=event_id,
        cue_id=cue,
        title=title or "Kickoff",
        position=position,
        status=status,
        content=content
        or {"posts": [{"texts": {"x": "Kickoff! #CupFinal", "mastodon": "Kickoff!"}}]},
    )
    session.add(draft)
    await session.flush()
    assert draft.id is not None
    return draft.id


def thread(*posts: dict[str, str]) -> dict[str, Any]:
    """Draft content of a thread: one ``{network: text}`` per post."""
    return {"posts": [{"texts": texts, "attachment_ids": []} for texts in posts]}
