"""A fake Bluesky PDS and AppView speaking XRPC: ``com.atproto.server.createSession`` /
``refreshSession`` (JWTs with an ``exp``), ``com.atproto.repo.createRecord`` / ``getRecord``
(a record key taken twice is refused, as the PDS does), ``app.bsky.feed.getPosts`` and
``com.atproto.identity.resolveHandle``. Answers carry ``ratelimit-*`` headers.

``com.atproto.repo.uploadBlob`` takes raw bytes with their ``Content-Type`` and answers a
blob (``{"$type": "blob", "ref": {"$link": cid}, "mimeType", "size"}``, the CID from the
bytes); each upload is recorded in ``uploads``. A record embedding ``app.bsky.embed.images``
is checked as the PDS checks it against the lexicon: at most 4 images, each a blob this
repository uploaded, an image type, 1,000,000 bytes at most, ``alt`` a string.

``plan`` scripts the next ``createRecord`` answers: ``"ok"``, ``"lose"`` (write, never
answer), ``"500"`` (fail before writing), ``"500-written"`` (write, then 500), ``"429"``,
``"expire"`` (the access token has expired: ``ExpiredToken``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DID = "did:plc:cuedeskdesk000000000000"
HANDLE = "cuedesk.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
FAN_DID = "did:plc:fan00000000000000000000"
# The app.bsky.embed.images lexicon: up to 4 images, each blob image/* of 1,000,000 bytes.
MAX_IMAGES = 4
MAX_IMAGE_BYTES = 1_000_000


def jwt(lifetime: float) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"sub": DID, "exp": int(time.time() + lifetime), "jti": secrets.token_hex(4)}
    return f"{part({'alg': 'ES256K'})}.{part(claims)}.sig"


@dataclass
class FakeBluesky:
    plan: list[str] = field(default_factory=list)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    creates: list[dict[str, Any]] = field(default_factory=list)
    access: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)
    logins: int = 0
    refreshes: int = 0
    access_lifetime: float = 7200
    handles: dict[str, str] = field(default_factory=lambda: {"fan.bsky.social": FAN_DID})
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Blobs uploaded: their CID → {"mimeType", "size"}; and each upload as received.
    blobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[dict[str, Any]] = field(default_factory=list)
    # While ``login_gate`` is set and not yet open, createSession answers only once it
    # opens (a slow network); ``login_waiting`` says that a login is being held.
    login_gate: asyncio.Event | None = None
    login_waiting: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> Starlette:
        x = "/xrpc/"
        return Starlette(
            routes=[
                Route(x + "com.atproto.server.createSession", self._login, methods=["POST"]),
                Route(x + "com.atproto.server.refreshSession", self._refresh, methods=["POST"]),
                Route(x + "com.atproto.repo.createRecord", self._create, methods=["POST"]),
                Route(x + "com.atproto.repo.uploadBlob", self._upload_blob, methods=["POST"]),
                Route(x + "com.atproto.repo.getRecord", self._get),
                Route(x + "app.bsky.feed.getPosts", self._get_posts),
                Route(x + "com.atproto.identity.resolveHandle", self._resolve),
            ]
        )

    def add_post(self, uri: str, root: str | None = None) -> None:
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": "a fan's post"}
        if root:
            record["reply"] = {
                "root": {"uri": root, "cid": f"cid-{root[-6:]}"},
                "parent": {"uri": root, "cid": f"cid-{root[-6:]}"},
            }
        self.posts[uri] = {"uri": uri, "cid": f"cid-{uri[-6:]}", "record": record}

    def _limits(self) -> dict[str, str]:
        return {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "4990",
            "ratelimit-reset": str(int(time.time()) + 3600),
            "ratelimit-policy": "5000;w=3600",
        }

    def _error(self, status: int, error: str, message: str) -> JSONResponse:
        return JSONResponse(
            {"error": error, "message": message}, status_code=status, headers=self._limits()
        )

    def _session(self) -> JSONResponse:
        access, refresh = jwt(self.access_lifetime), jwt(90 * 86400)
        self.access.add(access)
        self.refresh.add(refresh)
        return JSONResponse(
            {
                "did": DID,
                "handle": HANDLE,
                "accessJwt": access,
                "refreshJwt": refresh,
                "active": True,
            }
        )

    async def _login(self, request: Request) -> JSONResponse:
        body = await request.json()
        if self.login_gate is not None:
            self.login_waiting.set()
            await self.login_gate.wait()
        if body.get("identifier") not in (HANDLE, DID) or body.get("password") != APP_PASSWORD:
            return self._error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.logins += 1
        return self._session()

    async def _refresh(self, request: Request) -> JSONResponse:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.refresh:
            return self._error(400, "ExpiredToken", "Token has expired")
        self.refresh.discard(token)
        self.refreshes += 1
        return self._session()

    def _authorised(self, request: Request) -> JSONResponse | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.access:
            return self._error(400, "ExpiredToken", "Token has expired")
        return None

    async def _create(self, request: Request) -> JSONResponse:
        if (refused := self._authorised(request)) is not None:
            return refused
        body = await request.json()
        behaviour = self.plan.pop(0) if self.plan else "ok"
        if behaviour == "expire":
            self.access.clear()
            return self._error(400, "ExpiredToken", "Token has expired")
        if behaviour == "500":
            return self._error(500, "InternalServerError", "Internal Server Error")
        if behaviour == "429":
            headers = self._limits() | {
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(time.time()) + 1),
            }
            return JSONResponse(
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                status_code=429,
                headers=headers,
            )
        rkey = body.get("rkey")
        uri = f"at://{body['repo']}/{body['collection']}/{rkey}"
        if uri in self.records:
            return self._error(400, "InvalidRequest", f"Record already exists: {uri}")
        if (wrong := self._check_embed(body["record"].get("embed"))) is not None:
            return self._error(400, "InvalidRequest", f"Invalid app.bsky.feed.post record: {wrong}")
        self.creates.append(body)
        self.records[uri] = {"uri": uri, "cid": f"bafy{len(self.records)}", "value": body["record"]}
        if behaviour == "lose":
            await asyncio.sleep(3600)
        if behaviour == "500-written":
            return self._error(500, "InternalServerError", "Internal Server Error")
        return JSONResponse({"uri": uri, "cid": self.records[uri]["cid"]}, headers=self._limits())

    async def _upload_blob(self, request: Request) -> JSONResponse:
        if (refused := self._authorised(request)) is not None:
            return refused
        data = await request.body()
        mime_type = request.headers.get("content-type", "application/octet-stream")
        cid = "bafkrei" + base64.b32encode(hashlib.sha256(data).digest()).decode().lower()[:52]
        self.blobs[cid] = {"mimeType": mime_type, "size": len(data)}
        self.uploads.append({"cid": cid, "mimeType": mime_type, "size": len(data)})
        blob = {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime_type, "size": len(data)}
        return JSONResponse({"blob": blob}, headers=self._limits())

    def _check_embed(self, embed: Any) -> str | None:
        """What the PDS would refuse in an ``app.bsky.embed.images`` embed, if anything."""
        if not isinstance(embed, dict) or embed.get("$type") != "app.bsky.embed.images":
            return None
        images = embed.get("images")
        if not isinstance(images, list) or not 1 <= len(images) <= MAX_IMAGES:
            return f"embed/images must hold 1 to {MAX_IMAGES} images"
        for number, image in enumerate(images):
            where = f"embed/images/{number}"
            if not isinstance(image.get("alt"), str):
                return f"{where}/alt must be a string"
            cid = ((image.get("image") or {}).get("ref") or {}).get("$link")
            blob = self.blobs.get(str(cid))
            if blob is None:
                return f"Could not find blob: {cid}"
            if not blob["mimeType"].startswith("image/"):
                return f"{where}/image has a mimeType of {blob['mimeType']}, not image/*"
            if blob["size"] > MAX_IMAGE_BYTES:
                return f"{where}/image is too big (maximum {MAX_IMAGE_BYTES} bytes)"
        return None

    async def _get(self, request: Request) -> JSONResponse:
        query = request.query_params
        uri = f"at://{query['repo']}/{query['collection']}/{query['rkey']}"
        if uri not in self.records:
            return self._error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return JSONResponse(self.records[uri])

    async def _get_posts(self, request: Request) -> JSONResponse:
        uris = request.query_params.getlist("uris")
        # The AppView shows the desk's own posts too (a thread answers its previous post).
        ours = {
            uri: {"uri": uri, "cid": record["cid"], "record": record["value"]}
            for uri, record in self.records.items()
        }
        known = {**ours, **self.posts}
        return JSONResponse({"posts": [known[uri] for uri in uris if uri in known]})

    async def _resolve(self, request: Request) -> JSONResponse:
        did = self.handles.get(request.query_params.get("handle", ""))
        if did is None:
            return self._error(400, "InvalidRequest", "Unable to resolve handle")
        return JSONResponse({"did": did})
