"""A fake Mastodon server: ``POST /api/v1/statuses`` as the Mastodon docs describe it.

Who may post: the bearer tokens in ``tokens`` (``TOKEN``, and those its OAuth flow gave).
The OAuth app flow (tests/fakes/mastodon_oauth.py) as methods/apps.md and methods/oauth.md
describe it: ``POST /api/v1/apps``, the consent page ``GET /oauth/authorize`` (which says
yes at once, or no with ``consent = "deny"``), ``POST /oauth/token``; and the instance
(``GET /api/v2/instance``) with its ``configuration.statuses``, ``max_characters`` as set.

It honours ``Idempotency-Key`` as Mastodon does (a repeated key answers the status already
made, and makes none), checks the bearer token, and answers with Status entities shaped as
the docs show.

Media as Mastodon documents it: ``POST /api/v2/media`` (multipart ``file``, ``description``)
answers a MediaAttachment (``id``, ``type``, ``url``, ``description``): 200 when processed,
or 202 with ``url: null`` while ``media_processing_checks`` more ``GET /api/v1/media/:id``
answer 206. A status naming media still processing is refused (422, "Cannot attach files
that have not finished processing"), as is one naming media unknown or already attached;
a status made carries its ``media_attachments``.

``plan`` scripts its next answers to ``POST /api/v1/statuses``, to play the network's bad
nights:

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
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.mastodon_oauth import FakeMastodonOAuth

TOKEN = "fake-mastodon-token"
HOST = "https://mastodon.example"
# MediaAttachment::MAX_DESCRIPTION_LENGTH; a status takes at most 4 attachments.
MAX_DESCRIPTION = 1500
MAX_MEDIA = 4
NOT_READY = "Cannot attach files that have not finished processing. Try again in a moment!"


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
    # Uploads as received: {"id", "size" (bytes), "media_type", "description"}.
    uploads: list[dict[str, Any]] = field(default_factory=list)
    # Each upload answers 202 (url null), then this many GETs of it answer 206.
    media_processing_checks: int = 0
    media_checks: list[tuple[str, int]] = field(default_factory=list)
    _media: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    oauth: FakeMastodonOAuth = field(init=False)
    # The instance's configuration.statuses.
    max_characters: int = 500
    characters_reserved_per_url: int = 23

    def __post_init__(self) -> None:
        self.oauth = FakeMastodonOAuth(self.tokens)

    @property
    def consent(self) -> str:
        """``"allow"`` (the default) or ``"deny"``: what the account's owner answers."""
        return self.oauth.consent

    @consent.setter
    def consent(self, answer: str) -> None:
        self.oauth.consent = answer

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                *self.oauth.routes(),
                Route("/api/v2/instance", self._instance),
                Route("/api/v1/statuses", self._post_status, methods=["POST"]),
                Route("/api/v2/media", self._upload, methods=["POST"]),
                Route("/api/v1/media/{media_id}", self._show_media),
                Route("/api/v2/search", self._search),
                Route("/api/v1/accounts/verify_credentials", self._verify),
            ]
        )

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization", "").removeprefix("Bearer ") in self.tokens

    async def _instance(self, request: Request) -> JSONResponse:
        """An Instance as methods/instance.md shows it, cut to what a client reads."""
        return JSONResponse(
            {
                "domain": "mastodon.example",
                "title": "Mastodon",
                "version": "4.3.0",
                "source_url": "https://github.com/mastodon/mastodon",
                "configuration": {
                    "urls": {"streaming": str(request.base_url).rstrip("/")},
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": MAX_MEDIA,
                        "characters_reserved_per_url": self.characters_reserved_per_url,
                    },
                },
                "registrations": {"enabled": False, "approval_required": False},
            }
        )

    async def _verify(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        return JSONResponse({"id": "1", "username": "cuedesk", "acct": "cuedesk"})

    async def _search(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        query = request.query_params.get("q", "")
        self.searches.append(query)
        local_id = self.remote.get(query) if request.query_params.get("resolve") else None
        statuses = [{"id": local_id, "url": query}] if local_id else []
        return JSONResponse({"accounts": [], "statuses": statuses, "hashtags": []})

    async def _post_status(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        form = await request.json()
        key = request.headers.get("idempotency-key")
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        self.requests.append({"key": key, "body": form, "token": token})
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
        if (refused := self._check_media(form.get("media_ids") or [])) is not None:
            return refused
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
            "media_attachments": [],
        }
        for media_id in form.get("media_ids") or []:
            self._media[media_id]["status_id"] = status_id
            status["media_attachments"].append(self._media[media_id]["entity"])
        self.statuses.append(status)
        return status

    # -- media ----------------------------------------------------------------------------

    async def _upload(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return JSONResponse({"error": "Validation failed: File can't be blank"}, 422)
        data = await upload.read()
        description = str(form.get("description") or "")
        if len(description) > MAX_DESCRIPTION:
            too_long = "Validation failed: Description is too long (maximum is 1500 characters)"
            return JSONResponse({"error": too_long}, status_code=422)
        media_id = str(120_000_000_000_000_000 + len(self._media) + 1)
        processing = self.media_processing_checks
        entity = {
            "id": media_id,
            "type": "image",
            "url": None if processing else f"{HOST}/media/{media_id}.png",
            "preview_url": f"{HOST}/media/small/{media_id}.png",
            "remote_url": None,
            "description": description or None,
            "blurhash": "UFBWY:8_0Jxu%MxuM{xu00xu~qxu%MxuM{xu",
        }
        self._media[media_id] = {"entity": entity, "checks_left": processing, "status_id": None}
        self.uploads.append(
            {"id": media_id, "size": len(data), "media_type": upload.content_type,
             "description": description}
        )  # fmt: skip
        return JSONResponse(entity, status_code=202 if processing else 200)

    async def _show_media(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        media = self._media.get(request.path_params["media_id"])
        if media is None:
            return JSONResponse({"error": "Record not found"}, status_code=404)
        if media["checks_left"] > 0:
            media["checks_left"] -= 1
            self.media_checks.append((media["entity"]["id"], 206))
            return JSONResponse(media["entity"], status_code=206)
        media["entity"]["url"] = f"{HOST}/media/{media['entity']['id']}.png"
        self.media_checks.append((media["entity"]["id"], 200))
        return JSONResponse(media["entity"])

    def _check_media(self, media_ids: list[str]) -> JSONResponse | None:
        if len(media_ids) > MAX_MEDIA:
            return JSONResponse({"error": "Cannot attach more than 4 files."}, status_code=422)
        unknown = [i for i in media_ids if i not in self._media or self._media[i]["status_id"]]
        if unknown:
            error = f"Media {', '.join(unknown)} not found or already attached to another post"
            return JSONResponse({"error": error}, status_code=422)
        if any(self._media[i]["entity"]["url"] is None for i in media_ids):
            return JSONResponse({"error": NOT_READY}, status_code=422)
        return None
