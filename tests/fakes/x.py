"""A fake X API v2: posting (``POST /2/tweets``), the account's posts
(``GET /2/users/:id/tweets``), ``GET /2/users/me`` and the OAuth 2.0 token endpoint
(``POST /2/oauth2/token``: an authorization code with its PKCE verifier, or a refresh token),
and a consent page that says yes at once (``GET /i/oauth2/authorize``).

Like X, it has no idempotency key: two identical requests make two posts. Every answer
carries ``x-rate-limit-*`` headers.

Media as X API v2 documents it (tests/fakes/x_media.py): the one-shot ``POST
/2/media/upload`` (``tweet_image``; no GIF), the segmented upload (``initialize``,
``append``, ``finalize``, ``STATUS``) and ``POST /2/media/metadata`` for alt text. A post
naming media unknown or still processing is refused (400, "Your media IDs are invalid."),
and a post made carries ``attachments.media_keys``; :meth:`FakeX.media_of` gives its media.

``plan`` scripts the next answers to ``POST /2/tweets``:

- ``"ok"`` (also when the plan runs out), ``"lose"`` (post, then never answer),
- ``"500"`` / ``"503"`` (fail before posting), ``"503-posted"`` (post, then answer 503),
- ``"429"`` (refused, ``x-rate-limit-reset`` a second from now),
  and, whatever the plan, a 429 while the window's ``remaining`` is spent (it refills when
  the window resets: ``window_seconds``),
- ``"expire"`` (the access token has expired: 401, the refresh token still works),
- ``"403"`` (X refuses the reply: the self-serve rule on mentions).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from tests.fakes.x_media import FakeXMedia, Handler, invalid

USER_ID = "1500000000000000001"
USERNAME = "cuedesk"
CLIENT_ID = "fake-x-client"


@dataclass
class FakeX:
    plan: list[str] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    access_tokens: set[str] = field(default_factory=lambda: {"x-access-1"})
    refresh_tokens: set[str] = field(default_factory=lambda: {"x-refresh-1"})
    # code → PKCE challenge, set by a test standing in for the user's consent.
    codes: dict[str, str] = field(default_factory=dict)
    refreshes: int = 0
    remaining: int = 99
    # X's posting window: when it is spent, posts get 429 until it resets, then it refills.
    window_seconds: float = 900.0
    window_limit: int = 100
    reset_at: float = field(default_factory=lambda: time.time() + 900.0)
    media: FakeXMedia = field(default_factory=FakeXMedia)
    media_remaining: int = 499

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/2/tweets", self._post, methods=["POST"]),
                Route("/2/users/me", self._me),
                Route("/2/users/{user_id}/tweets", self._timeline),
                Route("/2/oauth2/token", self._token, methods=["POST"]),
                Route("/i/oauth2/authorize", self._consent),
                *self.media.routes(self._guard),
            ]
        )

    def media_of(self, tweet: dict[str, Any]) -> list[dict[str, Any]]:
        """The media a post carries, in order (with their alt text)."""
        keys = (tweet.get("attachments") or {}).get("media_keys") or []
        by_key = {item["media_key"]: item for item in self.media.items.values()}
        return [by_key[key] for key in keys]

    def _guard(self, handler: Handler) -> Handler:
        async def guarded(request: Request) -> JSONResponse:
            if not self._authorised(request):
                return self._unauthorised()
            response = await handler(request)
            # The media endpoints' own limits, not the posting budget's.
            response.headers.update(
                {
                    "x-rate-limit-limit": "500",
                    "x-rate-limit-remaining": str(self.media_remaining),
                    "x-rate-limit-reset": str(int(time.time()) + 900),
                }
            )
            return response

        return guarded

    def _headers(self, remaining: int | None = None) -> dict[str, str]:
        self._roll_window()
        return {
            "x-rate-limit-limit": str(self.window_limit),
            "x-rate-limit-remaining": str(self.remaining if remaining is None else remaining),
            # Epoch seconds, rounded up: the window is over by then.
            "x-rate-limit-reset": str(int(self.reset_at) + 1),
        }

    def _roll_window(self) -> None:
        if time.time() >= self.reset_at:
            self.remaining = self.window_limit
            self.reset_at = time.time() + self.window_seconds

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        return header.removeprefix("Bearer ") in self.access_tokens

    def _unauthorised(self) -> JSONResponse:
        return JSONResponse(
            {
                "title": "Unauthorized",
                "type": "about:blank",
                "status": 401,
                "detail": "Unauthorized",
            },
            status_code=401,
        )

    async def _post(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return self._unauthorised()
        body = await request.json()
        self.requests.append(body)
        self._roll_window()
        if self.remaining <= 0:
            return JSONResponse(
                {"title": "Too Many Requests", "detail": "Too Many Requests"},
                status_code=429,
                headers=self._headers(0),
            )
        behaviour = self.plan.pop(0) if self.plan else "ok"
        if behaviour == "expire":
            self.access_tokens.clear()
            return self._unauthorised()
        if behaviour in ("500", "503"):
            return JSONResponse({"title": "Service Unavailable"}, status_code=int(behaviour))
        if behaviour == "429":
            headers = self._headers(0) | {"x-rate-limit-reset": str(int(time.time()) + 1)}
            return JSONResponse(
                {"title": "Too Many Requests", "detail": "Too Many Requests"},
                status_code=429,
                headers=headers,
            )
        if behaviour == "403":
            return JSONResponse(
                {
                    "title": "Forbidden",
                    "status": 403,
                    "detail": "Reply to this conversation is "
                    "not allowed because you have not been mentioned or otherwise engaged by the "
                    "author of the post you are replying to.",
                },
                status_code=403,
            )
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if len(media_ids) > 4 or not all(self.media.ready(str(i)) for i in media_ids):
            return invalid("Your media IDs are invalid.")
        tweet = self._make(body)
        self.remaining = max(0, self.remaining - 1)
        if behaviour == "lose":
            await asyncio.sleep(3600)
        if behaviour == "503-posted":
            return JSONResponse({"title": "Service Unavailable"}, status_code=503)
        return JSONResponse(
            {
                "data": {
                    "id": tweet["id"],
                    "text": tweet["text"],
                    "edit_history_tweet_ids": [tweet["id"]],
                }
            },
            status_code=201,
            headers=self._headers(),
        )

    def _make(self, body: dict[str, Any]) -> dict[str, Any]:
        tweet_id = str(1_800_000_000_000_000_000 + len(self.posts) + 1)
        tweet: dict[str, Any] = {
            "id": tweet_id,
            "text": body["text"],
            "author_id": USER_ID,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        reply = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply:
            tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply}]
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if media_ids:
            keys = [self.media.items[str(i)]["media_key"] for i in media_ids]
            tweet["attachments"] = {"media_keys": keys}
        self.posts.append(tweet)
        return tweet

    async def _me(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return self._unauthorised()
        return JSONResponse(
            {"data": {"id": USER_ID, "username": USERNAME, "name": "Cuedesk"}},
            headers=self._headers(),
        )

    async def _timeline(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return self._unauthorised()
        if request.path_params["user_id"] != USER_ID:
            return JSONResponse({"errors": [{"message": "no such user"}]})
        # As X: newest first, the 3,200 latest at most, from start_time, in pages.
        query = request.query_params
        start = query.get("start_time")
        latest = [
            post
            for post in list(reversed(self.posts))[:3200]
            if start is None or post["created_at"][:19] >= start[:19]
        ]
        offset = int(query.get("pagination_token", 0))
        size = int(query.get("max_results", 10))
        page = latest[offset : offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if offset + size < len(latest):
            meta["next_token"] = str(offset + size)
        return JSONResponse({"data": page, "meta": meta} if page else {"meta": meta})

    async def _consent(self, request: Request) -> RedirectResponse:
        """The user says yes at once: back to the app with a code bound to the challenge."""
        query = request.query_params
        code = f"code-{secrets.token_hex(4)}"
        self.codes[code] = query["code_challenge"]
        target = f"{query['redirect_uri']}?{urlencode({'state': query['state'], 'code': code})}"
        return RedirectResponse(target, status_code=302)

    async def _token(self, request: Request) -> JSONResponse:
        form = await request.form()
        if form.get("client_id") != CLIENT_ID and not request.headers.get("authorization"):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return JSONResponse(
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the token was invalid.",
                    },
                    status_code=400,
                )
            self.refresh_tokens.discard(str(form["refresh_token"]))
            self.refreshes += 1
        elif form.get("grant_type") == "authorization_code":
            challenge = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier", ""))
            computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if challenge is None or computed.rstrip(b"=").decode() != challenge:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
        else:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        access, refresh = f"x-access-{secrets.token_hex(4)}", f"x-refresh-{secrets.token_hex(4)}"
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return JSONResponse(
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "refresh_token": refresh,
                "scope": "tweet.read tweet.write users.read media.write offline.access",
            }
        )
