"""X: since 2026-02-23 a self-serve app may reply through the API only to posts that
mention the replying account or quote one of its posts."""

from __future__ import annotations

from typing import Any

import regex

from app.networks.verdict import ANSWERABLE, Eligibility

# X handles: 1-15 letters, digits, underscores, after a non-word character.
_MENTION = regex.compile(r"(?<![\w@])@(\w{1,15})\b")


def mentioned(text: str, context: dict[str, Any]) -> set[str]:
    listed = context.get("mentioned_handles")
    if isinstance(listed, list):
        return {str(handle).lstrip("@").lower() for handle in listed}
    return {handle.lower() for handle in _MENTION.findall(text)}


def check(text: str, context: dict[str, Any], account: str | None) -> Eligibility:
    if account is None:
        return ANSWERABLE  # no X account connected: the dry run answers anything
    if account in mentioned(text, context):
        return ANSWERABLE
    quoted = str(context.get("quote_author_handle") or "").lstrip("@").lower()
    if quoted == account:
        return ANSWERABLE
    if context.get("replies_restricted"):
        return Eligibility(False, "The author limited who can reply to this post on X.")
    return Eligibility(
        False,
        f"X lets the desk's app reply only to posts that mention @{account} or quote it; "
        "this one does neither.",
    )
