"""Bluesky: a thread gate (``app.bsky.feed.threadgate``) can limit or forbid replies."""

from __future__ import annotations

from typing import Any

from app.networks.verdict import ANSWERABLE, Eligibility


def check(text: str, context: dict[str, Any], account: str | None) -> Eligibility:
    if context.get("replies_restricted"):
        allowed = context.get("reply_allowed_handles")
        if isinstance(allowed, list) and account and account in {str(h).lower() for h in allowed}:
            return ANSWERABLE
        return Eligibility(False, "The thread's gate on Bluesky does not let the desk reply.")
    return ANSWERABLE
