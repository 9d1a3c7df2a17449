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


def draft_payload(text: str = "Kickoff! #CupFinal", **overrides: Any) -> dict[str, Any]:
    """A draft body of one post with the same text on every network."""
    payload: dict[str, Any] = {
        "title": "Kickoff",
        "content": {"posts": [{"texts": {"x": text, "mastodon": text, "bluesky": text}}]},
        "tags": ["kickoff"],
        "note": "Only once the whistle blows",
    }
    payload.update(overrides)
    return payload


async def make_draft(client: Any, event_id: int, **overrides: Any) -> dict[str, Any]:
    """Create a draft through the API; answers its JSON (version 1)."""
    response = await client.post(f"/api/events/{event_id}/drafts", json=draft_payload(**overrides))
    assert response.status_code == 201, response.text
    draft: dict[str, Any] = response.json()
    return draft


def png_bytes(width: int = 4, height: int = 3, *, padding: int = 0) -> bytes:
    """A real PNG image; ``padding`` bytes of text chunk make it that much larger."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if padding:
        info.add_text("padding", "x" * padding)
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


async def insert_draft(
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
