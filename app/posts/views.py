"""Posts in their public shape (PostPublic), for the API and the journal."""

from __future__ import annotations

from typing import Any

from app.common.time import isoformat_z
from app.posts.models import Post

post_table = Post.__table__  # type: ignore[attr-defined]


def public_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "event_id": row["event_id"],
        "draft_id": row["draft_id"],
        "cue_id": row["cue_id"],
        "cue_firing": row["cue_firing"],
        "network": row["network"],
        "thread_index": row["thread_index"],
        "text": row["text"],
        "attachment_ids": list(row["attachment_ids"] or []),
        "status": row["status"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "external_id": row["external_id"],
        "external_url": row["external_url"],
        "dry_run": row["dry_run"],
        "created_at": isoformat_z(row["created_at"]),
        "published_at": isoformat_z(row["published_at"]) if row["published_at"] else None,
    }
