"""What a Mastodon refusal means for the post: may it pass (429, 5xx), or not."""

from __future__ import annotations

import httpx

from app.networks import publish_http as http
from app.networks.mastodon import limits
from app.replies.publishers import PublishFailed


def refused(response: httpx.Response, doing: str = "post") -> PublishFailed:
    error = (http.json_of(response) or {}).get("error") or response.reason_phrase
    if response.status_code == 429:
        header = limits.read(response.headers)
        return PublishFailed(
            f"Mastodon answered 429: {error}",
            transient=True,
            rate_limited_until=header.reset_at if header else None,
        )
    if response.status_code >= 500:
        return PublishFailed(f"Mastodon answered {response.status_code}: {error}", transient=True)
    if response.status_code == 401:
        return PublishFailed(
            f"Mastodon refused the account's token: {error}; reconnect the account",
            transient=False,
        )
    return PublishFailed(
        f"Mastodon refused to {doing} ({response.status_code}): {error}", transient=False
    )
