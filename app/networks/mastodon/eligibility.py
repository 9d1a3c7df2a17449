"""Mastodon: a status's visibility decides who sees it, and so who sees the answer."""

from __future__ import annotations

from typing import Any

from app.networks.verdict import ANSWERABLE, Eligibility


def check(text: str, context: dict[str, Any], account: str | None) -> Eligibility:
    visibility = context.get("visibility")
    if visibility == "direct":
        return Eligibility(
            False, "A direct message on Mastodon: the desk does not answer those from here."
        )
    if visibility == "private" and context.get("visible_to_account") is False:
        return Eligibility(
            False, "Followers-only on Mastodon, and the desk's account does not follow the author."
        )
    return ANSWERABLE
