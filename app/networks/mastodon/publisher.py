"""Posting on Mastodon: ``POST /api/v1/statuses`` with the reply's key in
``Idempotency-Key`` (the server answers a repeated key with the status it already made).

A status seen on another server has another id on the desk's: it is looked up first
(``GET /api/v2/search?resolve=true&q=<its address>``), which makes the desk's server fetch it.
A post's images are uploaded first (app/networks/mastodon/media.py) and named in
``media_ids``; a resend uploads them again, and the key still answers the one status.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from app.networks import publish_http as http
from app.networks.limits import Budget
from app.networks.mastodon import limits
from app.networks.mastodon.media import MastodonMedia
from app.networks.mastodon.refusal import refused as _refused
from app.replies.publishers import Outgoing, Published, PublishFailed

NETWORK = "Mastodon"


class MastodonPublisher:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float,
        budget: Budget | None = None,
        media_poll_seconds: float = 0.5,
    ) -> None:
        self._host = urlsplit(base_url).netloc.lower()
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "Cuedesk"},
            timeout=timeout,
        )
        self.budget = budget or limits.budget()
        self._media = MastodonMedia(self._client, poll_seconds=media_poll_seconds)

    async def publish(self, post: Outgoing) -> Published:
        http.check_budget(NETWORK, self.budget)
        body: dict[str, Any] = {"status": post.text}
        if post.in_reply_to:
            body["in_reply_to_id"] = await self._local_id(post)
        if post.images:
            body["media_ids"] = await self._media.upload_all(post.images)
        response = await self._call(
            "POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": post.idempotency_key}
        )
        if response.status_code >= 300:
            raise _refused(response)
        self.budget.spend()
        status = http.json_of(response) or {}
        if not isinstance(status.get("id"), str | int):
            # Probably posted: a retry with the same key answers it rather than posting.
            raise PublishFailed("Mastodon's answer had no status id", transient=True)
        url = status.get("url") if isinstance(status.get("url"), str) else None
        return Published(external_id=str(status["id"]), external_url=url, dry_run=False)

    async def _local_id(self, post: Outgoing) -> str:
        """The answered status's id on this server: its own when it lives here, else
        resolved from its address."""
        assert post.in_reply_to is not None
        url = post.in_reply_to_url
        if not url or urlsplit(url).netloc.lower() == self._host:
            return post.in_reply_to
        response = await self._call(
            "GET",
            "/api/v2/search",
            params={"q": url, "resolve": "true", "type": "statuses", "limit": "1"},
        )
        if response.status_code != 200:
            raise _refused(response, doing=f"look up {url} on the desk's server")
        statuses = (http.json_of(response) or {}).get("statuses") or []
        if not statuses or not isinstance(statuses[0], dict) or "id" not in statuses[0]:
            raise PublishFailed(
                f"The desk's Mastodon server cannot find {url} (deleted, or not visible "
                "to the account)",
                transient=False,
            )
        return str(statuses[0]["id"])

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = await http.call(self._client, NETWORK, method, url, **kwargs)
        self.budget.observe(limits.read(response.headers))
        return response

    async def close(self) -> None:
        await self._client.aclose()
