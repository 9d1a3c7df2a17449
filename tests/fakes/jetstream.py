"""A local Jetstream v1 (``/subscribe``) speaking the real protocol over a websocket: JSON
text frames, ``wantedCollections`` and a ``cursor`` in ``time_us`` that replays every
event at or after it (as Jetstream does). Each connection can be cut after a number of
frames, to test resuming; and a fake AppView answering ``app.bsky.actor.getProfiles``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Response

from app.networks.bluesky.parsing import time_us_of


@dataclass
class FakeJetstream:
    events: list[bytes] = field(default_factory=list)
    # Connection k is cut after cut_after[k] frames; past the list, it sends all and holds.
    cut_after: list[int] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    # The first handshakes are answered with these HTTP statuses instead (503, 429).
    refuse_with: list[int] = field(default_factory=list)
    handshakes: int = 0

    def process_request(self, connection: ServerConnection, request: Any) -> Response | None:
        self.handshakes += 1
        if self.refuse_with:
            return connection.respond(HTTPStatus(self.refuse_with.pop(0)), "try later\n")
        return None

    async def handler(self, websocket: ServerConnection) -> None:
        query = parse_qs(urlsplit(websocket.request.path).query)
        number = len(self.requests)
        self.requests.append(query)
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        frames = [e for e in self.events if cursor is None or (time_us_of(e) or cursor) >= cursor]
        limit = self.cut_after[number] if number < len(self.cut_after) else None
        for sent, frame in enumerate(frames):
            if limit is not None and sent >= limit:
                return  # the connection drops
            await websocket.send(frame.decode())
        if limit is None:
            await websocket.wait_closed()


@contextlib.asynccontextmanager
async def serve_jetstream(fake: FakeJetstream) -> AsyncIterator[str]:
    async with serve(fake.handler, "127.0.0.1", 0, process_request=fake.process_request) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/subscribe"


def post_event(
    did: str,
    rkey: str,
    time_us: int,
    text: str,
    *,
    operation: str = "create",
    tags: tuple[str, ...] = (),
    facet_tags: tuple[str, ...] = (),
    created_at: Any = "2026-07-04T14:38:07.323Z",
) -> bytes:
    """An event as Jetstream's docs write it (facet indexes in UTF-8 bytes)."""
    facets = []
    for tag in facet_tags:
        start = text.encode().find(f"#{tag}".encode())
        facets.append(
            {
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                "index": {"byteStart": start, "byteEnd": start + len(tag.encode()) + 1},
            }
        )
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "langs": ["en"]}
    if created_at is not None:
        record["createdAt"] = created_at
    if facets:
        record["facets"] = facets
    if tags:
        record["tags"] = list(tags)
    commit: dict[str, Any] = {
        "rev": "3mptbypoove2w",
        "operation": operation,
        "collection": "app.bsky.feed.post",
        "rkey": rkey,
    }
    if operation != "delete":
        commit["record"] = record
        commit["cid"] = "bafyreifjsh3dec2j6d7nqh7l4ipfd6xbtpv5tf6lqk2fpsx77aa4uyypim"
    event = {"did": did, "time_us": time_us, "kind": "commit", "commit": commit}
    return orjson.dumps(event)


@dataclass
class FakeAppView:
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[list[str]] = field(default_factory=list)

    async def get_profiles(self, request: Request) -> JSONResponse:
        actors = request.query_params.getlist("actors")
        self.calls.append(actors)
        if len(actors) > 25:
            return JSONResponse({"error": "InvalidRequest"}, status_code=400)
        found = [self.profiles[a] for a in actors if a in self.profiles]
        return JSONResponse({"profiles": found})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/xrpc/app.bsky.actor.getProfiles", self.get_profiles)])


def profile(did: str, handle: str, followers: int = 0, name: str = "") -> dict[str, Any]:
    return {"did": did, "handle": handle, "displayName": name, "followersCount": followers}
