"""Mastodon's OAuth app flow, faked as methods/apps.md, methods/oauth.md and
api/oauth-scopes.md describe it (Mastodon 4.3, PKCE included):

- ``POST /api/v1/apps`` (form or JSON: ``client_name``, ``redirect_uris``, ``scopes``,
  ``website``) answers an Application with its ``client_id`` and ``client_secret``; a
  redirect URI that is not absolute, or an unknown scope, is refused (422), and so is every
  registration while ``refuse_registration`` holds a reason;
- ``GET /oauth/authorize`` checks the client, its redirect URI and scopes, then the
  account's owner answers at once: ``consent = "allow"`` sends the browser back with a code
  (bound to the PKCE challenge, S256 only as Mastodon takes it), ``"deny"`` with
  ``error=access_denied``, as Doorkeeper does, the state given back either way;
- ``POST /oauth/token`` (``grant_type=authorization_code``) checks the client's secret
  (401 ``invalid_client``), the code, its redirect URI and the PKCE verifier (400
  ``invalid_grant``), and answers a Token: ``access_token``, ``token_type``, ``scope``,
  ``created_at``; no expiry and no refresh token, as Mastodon. Its tokens join ``tokens``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route

SCOPES = {
    "read", "write", "follow", "push", "profile",
    *(f"read:{s}" for s in (
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
        "mutes", "notifications", "search", "statuses",
    )),
    *(f"write:{s}" for s in (
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
        "lists", "media", "mutes", "notifications", "reports", "statuses",
    )),
}  # fmt: skip
DENIED = "The resource owner or authorization server denied the request."
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


async def _form(request: Request) -> dict[str, str]:
    """Mastodon takes its parameters as a form or as JSON."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return {key: str(value) for key, value in body.items()} if isinstance(body, dict) else {}
    return {key: str(value) for key, value in (await request.form()).items()}


def _challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class FakeMastodonOAuth:
    tokens: set[str]
    consent: str = "allow"
    refuse_registration: str | None = None
    # client_id → the registered app: client_secret, redirect_uris, scopes.
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    registrations: list[dict[str, str]] = field(default_factory=list)
    # code → what it was given for: client_id, redirect_uri, scope, code_challenge.
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    consents: list[dict[str, str]] = field(default_factory=list)
    exchanges: list[dict[str, str]] = field(default_factory=list)

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/apps", self._register, methods=["POST"]),
            Route("/oauth/authorize", self._authorize),
            Route("/oauth/token", self._token, methods=["POST"]),
        ]

    async def _register(self, request: Request) -> JSONResponse:
        form = await _form(request)
        self.registrations.append(form)
        redirect_uris = form.get("redirect_uris", "").split()
        scopes = form.get("scopes", "read").split()
        if self.refuse_registration:
            return JSONResponse({"error": self.refuse_registration}, status_code=422)
        if not form.get("client_name"):
            return JSONResponse({"error": "Validation failed: Name can't be blank"}, 422)
        if not redirect_uris or not all(
            uri.startswith(("https://", "http://", "urn:ietf:wg:oauth:2.0:oob"))
            for uri in redirect_uris
        ):
            error = "Validation failed: Redirect URI must be an absolute URI."
            return JSONResponse({"error": error}, status_code=422)
        if not set(scopes) <= SCOPES:
            return JSONResponse({"error": "Validation failed: Scopes are invalid"}, 422)
        client_id, client_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.apps[client_id] = {
            "client_secret": client_secret, "redirect_uris": redirect_uris, "scopes": scopes,
        }  # fmt: skip
        return JSONResponse(
            {
                "id": str(563419 + len(self.apps)),
                "name": form["client_name"],
                "website": form.get("website") or None,
                "scopes": scopes,
                "redirect_uri": "\n".join(redirect_uris),
                "redirect_uris": redirect_uris,
                "client_id": client_id,
                "client_secret": client_secret,
                "client_secret_expires_at": 0,
            }
        )

    async def _authorize(self, request: Request) -> HTMLResponse | RedirectResponse:
        query = dict(request.query_params)
        self.consents.append(query)
        app = self.apps.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        scope = query.get("scope", "read")
        # What Doorkeeper shows on its own page, never sending the browser anywhere.
        if app is None:
            return HTMLResponse("<h1>An error has occurred</h1><p>invalid_client</p>", 401)
        if redirect_uri not in app["redirect_uris"]:
            return HTMLResponse("<h1>An error has occurred</h1><p>invalid_redirect_uri</p>", 400)
        if query.get("response_type") != "code" or not set(scope.split()) <= set(app["scopes"]):
            return HTMLResponse("<h1>An error has occurred</h1><p>invalid_request</p>", 400)
        challenge = query.get("code_challenge", "")
        if challenge and query.get("code_challenge_method") != "S256":
            return HTMLResponse("<h1>An error has occurred</h1><p>invalid_request</p>", 400)
        back: dict[str, str] = {}
        if self.consent == "deny":
            back = {"error": "access_denied", "error_description": DENIED}
        else:
            code = secrets.token_urlsafe(32)
            self.codes[code] = {
                "client_id": query["client_id"], "redirect_uri": redirect_uri, "scope": scope,
                "code_challenge": challenge,
            }  # fmt: skip
            back = {"code": code}
        if "state" in query:
            back["state"] = query["state"]
        return RedirectResponse(f"{redirect_uri}?{urlencode(back)}", status_code=302)

    async def _token(self, request: Request) -> JSONResponse:
        form = await _form(request)
        self.exchanges.append(form)
        app = self.apps.get(form.get("client_id", ""))
        if app is None or form.get("client_secret") != app["client_secret"]:
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "error_description": "Client authentication failed due to unknown "
                    "client, no client authentication included, or unsupported "
                    "authentication method.",
                },
                status_code=401,
            )
        if form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        given = self.codes.pop(form.get("code", ""), None)
        challenge = (given or {}).get("code_challenge")
        if (
            given is None
            or given["client_id"] != form["client_id"]
            or given["redirect_uri"] != form.get("redirect_uri")
            or (challenge and _challenge_of(form.get("code_verifier", "")) != challenge)
        ):
            return JSONResponse(
                {"error": "invalid_grant", "error_description": INVALID_GRANT}, status_code=400
            )
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": given["scope"],
                "created_at": int(time.time()),
            }
        )
