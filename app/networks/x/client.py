"""X's listening endpoints with an app-only bearer token: the filtered stream, its rules,
and recent search."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from app.networks.http import failure_of, network_errors
from app.networks.x.limits import rate_limit_reset
from app.networks.x.parsing import STREAM_PARAMS

STREAM_PATH = "/2/tweets/search/stream"
RULES_PATH = "/2/tweets/search/stream/rules"
RECENT_PATH = "/2/tweets/search/recent"


class XClient:
    def __init__(self, http: httpx.AsyncClient, api_url: str, bearer_token: str) -> None:
        self.http = http
        self.api_url = api_url.rstrip("/")
        self.bearer_token = bearer_token
        self._headers = {"Authorization": f"Bearer {bearer_token}"}

    async def stream_lines(self, on_open: Callable[[], Awaitable[None]]) -> AsyncIterator[str]:
        """The stream's lines (keep-alives as empty lines) until the connection ends."""
        what = "the filtered stream"
        async with network_errors(what):
            async with self.http.stream(
                "GET", self.api_url + STREAM_PATH, params=STREAM_PARAMS, headers=self._headers
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise failure_of(response, what, rate_limit_reset)
                await on_open()
                async for line in response.aiter_lines():
                    yield line

    async def _call(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        async with network_errors(what):
            response = await self.http.request(
                method, self.api_url + path, headers=self._headers, **kwargs
            )
        if response.status_code not in (200, 201):
            raise failure_of(response, what, rate_limit_reset)
        return response.json()

    async def rules(self) -> list[dict[str, Any]]:
        answer = await self._call("GET", RULES_PATH, "reading the stream rules")
        data = answer.get("data") if isinstance(answer, dict) else None
        return [rule for rule in data or () if isinstance(rule, dict)]

    async def change_rules(self, body: dict[str, Any]) -> Any:
        """``{"add": [{"value", "tag"}]}`` or ``{"delete": {"ids": [...]}}``."""
        return await self._call("POST", RULES_PATH, "changing the stream rules", json=body)

    async def recent(self, query: str, since_id: str, next_token: str | None) -> Any:
        params = {"query": query, "since_id": since_id, "max_results": 100, **STREAM_PARAMS}
        if next_token:
            params["next_token"] = next_token
        return await self._call("GET", RECENT_PATH, "recent search", params=params)
