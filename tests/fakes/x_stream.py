"""A fake X API v2 for listening: the filtered stream (chunked newline-delimited JSON with
``\\r\\n`` keep-alives), its rules, and recent search, as X's docs describe them.

``connections`` holds one script per stream connection (see scripted_stream.py; ``line``
and ``KEEP_ALIVE`` build the bytes). ``refuse_with`` answers the next connections with
these status codes instead (a 429 carries ``x-rate-limit-reset``). ``recent`` holds the
stream objects recent search can find (``since_id`` compared as X's ids are, numerically).
Rule ids count up from ``first_rule_id``; a wrong token gets a 401 everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.scripted_stream import Step, play

TOKEN = "fake-x-bearer"
KEEP_ALIVE = b"\r\n"
RATE_LIMIT_RESET_SECONDS = 90


def line(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload) + b"\r\n"


def post(
    n: int,
    text: str = "What a goal #CupFinal",
    *,
    tag: str | None = "cuedesk-event-7",
    rule_id: Any = "1",
    **extra: Any,
) -> dict[str, Any]:
    """A stream object for post ``n`` by user ``n``, matching the rule tagged ``tag``."""
    post_id = str(1_860_000_000_000_000_000 + n)
    return {
        "data": {
            "id": post_id,
            "text": text,
            "author_id": str(n),
            "created_at": "2026-12-01T20:00:00.000Z",
            "lang": "en",
            "edit_history_tweet_ids": [post_id],
            **extra,
        },
        "includes": {
            "users": [
                {
                    "id": str(n),
                    "username": f"fan{n}",
                    "name": f"Fan {n}",
                    "public_metrics": {"followers_count": n},
                }
            ]
        },
        "matching_rules": [{"id": rule_id, "tag": tag}],
    }


@dataclass
class FakeX:
    connections: list[list[Step]] = field(default_factory=list)
    refuse_with: list[int] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    first_rule_id: int = 1
    stream_requests: list[dict[str, str]] = field(default_factory=list)
    recent_requests: list[dict[str, str]] = field(default_factory=list)
    rule_changes: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/2/tweets/search/stream", self._stream),
                Route("/2/tweets/search/stream/rules", self._rules, methods=["GET", "POST"]),
                Route("/2/tweets/search/recent", self._recent),
            ]
        )

    def _refused(self, request: Request) -> Response | None:
        if request.headers.get("authorization") == f"Bearer {TOKEN}":
            return None
        return JSONResponse(
            {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            },
            status_code=401,
        )

    async def _stream(self, request: Request) -> Response:
        self.stream_requests.append(dict(request.query_params))
        if refused := self._refused(request):
            return refused
        if self.refuse_with:
            code = self.refuse_with.pop(0)
            headers = {}
            if code == 429:
                headers = {
                    "x-rate-limit-limit": "50",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(int(time.time()) + RATE_LIMIT_RESET_SECONDS),
                }
            return JSONResponse(
                {
                    "title": "Too Many Requests" if code == 429 else "Service Unavailable",
                    "status": code,
                },
                status_code=code,
                headers=headers,
            )
        script = self.connections.pop(0) if self.connections else ["hold"]
        return StreamingResponse(play(script), media_type="application/json")

    async def _rules(self, request: Request) -> Response:
        if refused := self._refused(request):
            return refused
        if request.method == "GET":
            return JSONResponse(
                {"data": self.rules, "meta": {"result_count": len(self.rules)}}
                if self.rules
                else {"meta": {"result_count": 0}}
            )
        body = await request.json()
        self.rule_changes.append(body)
        if "delete" in body:
            ids = set(body["delete"]["ids"])
            self.rules = [rule for rule in self.rules if rule["id"] not in ids]
            return JSONResponse({"meta": {"summary": {"deleted": len(ids)}}})
        added = []
        for rule in body.get("add", []):
            new = {"id": str(self.first_rule_id), "value": rule["value"], "tag": rule.get("tag")}
            self.first_rule_id += 1
            self.rules.append(new)
            added.append(new)
        return JSONResponse(
            {"data": added, "meta": {"summary": {"created": len(added)}}}, status_code=201
        )

    async def _recent(self, request: Request) -> Response:
        self.recent_requests.append(dict(request.query_params))
        if refused := self._refused(request):
            return refused
        since = int(request.query_params.get("since_id", "0"))
        found = sorted(
            (obj for obj in self.recent if int(obj["data"]["id"]) > since),
            key=lambda obj: -int(obj["data"]["id"]),
        )
        if not found:
            return JSONResponse({"meta": {"result_count": 0}})
        users = [user for obj in found for user in obj["includes"]["users"]]
        return JSONResponse(
            {
                "data": [obj["data"] for obj in found],
                "includes": {"users": users},
                "meta": {"result_count": len(found)},
            }
        )
