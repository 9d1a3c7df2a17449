"""A fake Mastodon server for listening: the instance (naming a streaming host of its own),
the hashtag stream as server-sent events, and the hashtag timeline, as the Mastodon docs
describe them (methods/streaming.md, methods/timelines.md, methods/instance.md).

``connections`` holds one script per stream connection, in order (see scripted_stream.py),
or a status code that connection is answered with instead;
``sse`` and ``heartbeat`` build their bytes. ``timeline`` holds the statuses the tag
timeline answers (any order; served newest first, ``min_id`` paging as Mastodon does, ids
compared as the fake's own numbers). A wrong token is refused with a 401.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.scripted_stream import Step, play

TOKEN = "fake-listen-token"
# The streaming host lives under this prefix, so a client that ignores the instance's
# configuration.urls.streaming finds nothing.
STREAMING_PREFIX = "/streaming-host"


def sse(event: str, data: str | dict[str, Any]) -> bytes:
    text = data if isinstance(data, str) else orjson.dumps(data).decode()
    return f"event: {event}\ndata: {text}\n\n".encode()


HEARTBEAT = b":thump\n\n"
# A 429 says the limit resets this far ahead.
RATE_LIMIT_RESET_SECONDS = 120


def status(
    n: int,
    text: str = "Goal! #CupFinal",
    *,
    tag: str = "CupFinal",
    host: str = "mastodon.example",
    **extra: Any,
) -> dict[str, Any]:
    """A Status entity as the docs show one, numbered ``n``."""
    status_id = str(110_000_000_000_000_000 + n)
    return {
        "id": status_id,
        "created_at": "2026-12-01T20:00:00.000Z",
        "in_reply_to_id": None,
        "language": "en",
        "uri": f"https://{host}/users/fan{n}/statuses/{status_id}",
        "url": f"https://{host}/@fan{n}/{status_id}",
        "edited_at": None,
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": {
            "id": str(n),
            "username": f"fan{n}",
            "acct": f"fan{n}",
            "display_name": f"Fan {n}",
            "followers_count": n,
            "avatar": f"https://{host}/avatars/{n}.png",
            "bot": False,
            "url": f"https://{host}/@fan{n}",
        },
        "tags": [{"name": tag.lower(), "url": f"https://{host}/tags/{tag.lower()}"}],
        "mentions": [],
        "media_attachments": [],
        **extra,
    }


@dataclass
class FakeMastodonStream:
    connections: list[list[Step] | int] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    # What the stream answers instead of streaming: a status code per connection.
    refuse_with: list[int] = field(default_factory=list)
    stream_requests: list[dict[str, str]] = field(default_factory=list)
    timeline_requests: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v2/instance", self._instance),
                Route(f"{STREAMING_PREFIX}/api/v1/streaming/hashtag", self._stream),
                Route("/api/v1/timelines/tag/{tag}", self._timeline),
            ]
        )

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    async def _instance(self, request: Request) -> JSONResponse:
        base = str(request.base_url).rstrip("/").replace("http://", "ws://", 1)
        return JSONResponse(
            {
                "domain": "mastodon.example",
                "configuration": {"urls": {"streaming": base + STREAMING_PREFIX}},
            }
        )

    async def _stream(self, request: Request) -> Response:
        self.stream_requests.append(dict(request.query_params))
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        if self.refuse_with or (self.connections and isinstance(self.connections[0], int)):
            code = self.refuse_with.pop(0) if self.refuse_with else int(self.connections.pop(0))  # type: ignore[arg-type]
            headers = {}
            if code == 429:
                reset = datetime.now(UTC) + timedelta(seconds=RATE_LIMIT_RESET_SECONDS)
                headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()}
            return JSONResponse({"error": "Unavailable"}, status_code=code, headers=headers)
        script = self.connections.pop(0) if self.connections else ["hold"]
        assert isinstance(script, list)
        return StreamingResponse(play(script), media_type="text/event-stream")

    async def _timeline(self, request: Request) -> JSONResponse:
        self.timeline_requests.append({"tag": request.path_params["tag"], **request.query_params})
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        tag = request.path_params["tag"].lower()
        min_id = int(request.query_params.get("min_id", "0"))
        limit = int(request.query_params.get("limit", "20"))
        newer = sorted(
            (
                s
                for s in self.timeline
                if int(s["id"]) > min_id and tag in {t["name"] for t in s["tags"]}
            ),
            key=lambda s: int(s["id"]),
        )[:limit]
        return JSONResponse(list(reversed(newer)))
