"""Can the desk's account answer this mention through the API? Asked of each mention at
ingest (shown on its row, skipped by "claim next" on request) and again when a reply is
accepted (refused with 422 and the reason).

The inputs are what the source saw (``reply_context``: the handles mentioned, the quoted
post's author, the visibility, a thread gate) and the handle of the account that posts for
the event on that network. Each network's rule is in its folder; what is not known allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.networks.bluesky import eligibility as bluesky
from app.networks.mastodon import eligibility as mastodon
from app.networks.verdict import ANSWERABLE, Eligibility
from app.networks.x import eligibility as x

Rule = Callable[[str, dict[str, Any], str | None], Eligibility]
RULES: dict[str, Rule] = {"x": x.check, "bluesky": bluesky.check, "mastodon": mastodon.check}


def check(
    network: str, text: str, context: dict[str, Any] | None, account_handle: str | None
) -> Eligibility:
    rule = RULES.get(network)
    if rule is None:
        return ANSWERABLE
    return rule(text, context or {}, (account_handle or "").lstrip("@").lower() or None)


def public(blocked: str | None) -> dict[str, Any]:
    """``reply_eligibility`` as a mention shows it."""
    return {"ok": blocked is None, "reason": blocked}
