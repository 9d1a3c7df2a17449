"""Mastodon's listening endpoints: the instance (where its streaming host is), the hashtag
stream (server-sent events, parsed by ``httpx-sse``) and the hashtag timeline (the
back-fill after a reconnect)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
from httpx_sse import SSEError, aconnect_sse

from app.ingest.sources.stateful import StreamFailure
from app.networks.http import failure_of, network_errors

# Mastodon pages timelines by 40 at most.
PAGE_SIZE = 40


def rate_limit_reset(headers: httpx.Headers) -> datetime | None:
    """``X-RateLimit-Reset`` is an ISO 8601 time on Mastodon."""
    value = headers.get("x-ratelimit-reset")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _http_base(url: str) -> str:
    if url.startswith("wss://"):
        return "https://" + url[len("wss://") :]
    if url.startswith("ws://"):
        return "http://" + url[len("ws://") :]
    return url


class MastodonClient:
    def __init__(self, http: httpx.AsyncClient, server_url: str, token: str) -> None:
        self.http = http
        self.server_url = server_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    async def streaming_url(self) -> str:
        """The streaming host from ``GET /api/v2/instance`` (``configuration.urls.streaming``),
        or the server itself when the instance names none."""
        what = "reading the instance"
        async with network_errors(what):
            response = await self.http.get(f"{self.server_url}/api/v2/instance")
        if response.status_code != 200:
            raise failure_of(response, what, rate_limit_reset)
        try:
            streaming = response.json()["configuration"]["urls"]["streaming"]
        except (ValueError, KeyError, TypeError):
            return self.server_url
        return _http_base(str(streaming)).rstrip("/") if streaming else self.server_url

    async def hashtag_stream(
        self, streaming_url: str, tag: str, on_open: Callable[[], Awaitable[None]]
    ) -> AsyncIterator[tuple[str, str]]:
        """(event, data) of ``GET /api/v1/streaming/hashtag?tag=…`` until it ends."""
        what = f"the #{tag} stream"
        async with network_errors(what):
            async with aconnect_sse(
                self.http,
                "GET",
                f"{streaming_url}/api/v1/streaming/hashtag",
                params={"tag": tag},
                headers=dict(self._headers),
            ) as source:
                response = source.response
                if response.status_code != 200:
                    await response.aread()
                    raise failure_of(response, what, rate_limit_reset)
                await on_open()
                try:
                    async for event in source.aiter_sse():
                        yield event.event, event.data
                except SSEError as exc:
                    raise StreamFailure("http", f"{what}: {exc}") from None

    async def tag_timeline(self, tag: str, min_id: str, max_pages: int) -> list[dict[str, Any]]:
        """Statuses with the tag newer than ``min_id``, oldest first (up to ``max_pages``
        pages; ``min_id`` pages forward from there)."""
        found: list[dict[str, Any]] = []
        cursor = min_id
        what = f"the #{tag} timeline"
        for _page in range(max_pages):
            async with network_errors(what):
                response = await self.http.get(
                    f"{self.server_url}/api/v1/timelines/tag/{quote(tag, safe='')}",
                    params={"min_id": cursor, "limit": PAGE_SIZE},
                    headers=self._headers,
                )
            if response.status_code != 200:
                raise failure_of(response, what, rate_limit_reset)
            page = response.json()
            if not isinstance(page, list) or not page:
                break
            statuses = [status for status in page if isinstance(status, dict)]
            # Newest first within a page: the next page starts after its first.
            found.extend(reversed(statuses))
            newest = statuses[0].get("id") if statuses else None
            if not isinstance(newest, str) or len(page) < PAGE_SIZE:
                break
            cursor = newest
        return found
