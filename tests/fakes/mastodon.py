"""A fake Mastodon server: ``POST /api/v1/statuses`` as the Mastodon docs describe it.

It honours ``Idempotency-Key`` as Mastodon does (a repeated key answers the status already
made, and makes none), checks the bearer token, and answers with Status entities shaped as
the docs show. ``plan`` scripts its next answers, to play the network's bad nights:

- ``"ok"``: make the status and answer it (also what happens once the plan runs out);
- ``"lose"``: make the status, then never answer (the answer is lost on the way back);
- ``"500"`` / ``"503"``: fail before making anything;
- ``"429"``: refuse for the rate limit, with ``X-RateLimit-*`` headers;
- ``"422"``: refuse the status as invalid (``{"error": "Validation failed: ..."}``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "fake-mastodon-token"
HOST = "https://mastodon.example"


@dataclass
class FakeMastodon:
    plan: list[str] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _by_key: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Statuses of other servers this one can fetch (``/api/v2/search?resolve=true``): their
    # address → the id they get here.
    remote: dict[str, str] = field(default_factory=dict)
    searches: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/statuses", self._post_status, methods=["POST"]),
                Route("/api/v2/search", self._search),
                Route("/api/v1/accounts/verify_credentials", self._verify),
            ]
        )

    async def _verify(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        return JSONResponse({"id": "1", "username": "cuedesk", "acct": "cuedesk"})

    async def _search(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        query = request.query_params.get("q", "")
        self.searches.append(query)
        local_id = self.remote.get(query) if request.query_params.get("resolve") else None
        statuses = [{"id": local_id, "url": query}] if local_id else []
        return JSONResponse({"accounts": [], "statuses": statuses, "hashtags": []})

    async def _post_status(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        form = await request.json()
        key = request.headers.get("idempotency-key")
        self.requests.append({"key": key, "body": form})
        if key is not None and key in self._by_key:
            return JSONResponse(self._by_key[key])
        behaviour = self.plan.pop(0) if self.plan else "ok"
        if behaviour in ("500", "503"):
            return JSONResponse({"error": "Something went wrong"}, status_code=int(behaviour))
        if behaviour == "429":
            reset = (datetime.now(UTC) + timedelta(seconds=0.2)).isoformat()
            return JSONResponse(
                {"error": "Too many requests"},
                status_code=429,
                headers={
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset,
                },
            )
        if behaviour == "422":
            return JSONResponse(
                {"error": "Validation failed: Text character limit of 500 exceeded"},
                status_code=422,
            )
        status = self._make(form)
        if key is not None:
            self._by_key[key] = status
        if behaviour == "lose":
            await asyncio.sleep(3600)  # the client gives up; the status exists all the same
        return JSONResponse(status)

    def _make(self, form: dict[str, Any]) -> dict[str, Any]:
        status_id = str(110_000_000_000_000_000 + len(self.statuses) + 1)
        status = {
            "id": status_id,
            "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "in_reply_to_id": form.get("in_reply_to_id"),
            "visibility": form.get("visibility", "public"),
            "uri": f"{HOST}/users/cuedesk/statuses/{status_id}",
            "url": f"{HOST}/@cuedesk/{status_id}",
            "content": f"<p>{form.get('status', '')}</p>",
            "account": {"id": "1", "username": "cuedesk", "acct": "cuedesk"},
        }
        self.statuses.append(status)
        return status
