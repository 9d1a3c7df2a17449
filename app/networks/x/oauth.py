"""X's OAuth 2.0 authorization code flow with PKCE: the consent page's address, the code
exchanged for tokens, a refresh token exchanged for new ones, and who the account is.

Scopes asked: ``tweet.read tweet.write users.read`` (post and find our own posts),
``media.write`` (upload a post's images) and ``offline.access`` (a refresh token, so the
desk stays connected past two hours).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx

SCOPES = "tweet.read tweet.write users.read media.write offline.access"


class OAuthRefused(Exception):
    """X refused the exchange; the message says what it answered."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None


@dataclass(frozen=True)
class Client:
    api_url: str
    authorize_url: str
    client_id: str
    client_secret: str
    timeout: float


def consent_url(client: Client, redirect_uri: str, state: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{client.authorize_url}?{urlencode(query)}"


async def exchange_code(client: Client, code: str, verifier: str, redirect_uri: str) -> Tokens:
    return await _token(
        client,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
    )


async def refresh(client: Client, refresh_token: str) -> Tokens:
    return await _token(client, {"grant_type": "refresh_token", "refresh_token": refresh_token})


async def _token(client: Client, form: dict[str, str]) -> Tokens:
    form = {**form, "client_id": client.client_id}
    # A confidential client authenticates with Basic; a public one sends its id only.
    headers = {}
    if client.client_secret:
        basic = f"{client.client_id}:{client.client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(basic).decode("ascii")
    async with httpx.AsyncClient(
        base_url=client.api_url.rstrip("/"), timeout=client.timeout
    ) as http:
        try:
            response = await http.post("/2/oauth2/token", data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise OAuthRefused(f"could not reach X's token endpoint: {exc!r}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or "access_token" not in body:
        reason = body.get("error_description") or body.get("error") or response.reason_phrase
        raise OAuthRefused(f"X refused the token exchange ({response.status_code}): {reason}")
    expires_in = body.get("expires_in")
    expires_at = (
        datetime.now(UTC) + timedelta(seconds=float(expires_in))
        if isinstance(expires_in, int | float)
        else None
    )
    return Tokens(str(body["access_token"]), body.get("refresh_token"), expires_at)
