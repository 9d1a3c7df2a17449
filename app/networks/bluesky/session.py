"""A Bluesky session from an app password: ``com.atproto.server.createSession``, refreshed
with ``com.atproto.server.refreshSession`` a minute before the access token expires (its
``exp``, read from the JWT without verifying it: the PDS verifies), and once more when the
PDS answers that it expired anyway."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from app.networks import publish_http as http
from app.networks.limits import Clock
from app.replies.publishers import PublishFailed

NETWORK = "Bluesky"
REFRESH_MARGIN = timedelta(seconds=60)


@dataclass
class Session:
    did: str
    handle: str
    access_jwt: str
    refresh_jwt: str
    expires_at: datetime | None


def jwt_expiry(token: str) -> datetime | None:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(float(claims["exp"]), UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def xrpc_error(response: httpx.Response) -> tuple[str, str]:
    body = http.json_of(response) or {}
    return str(body.get("error") or response.status_code), str(
        body.get("message") or response.reason_phrase or ""
    )


class SessionKeeper:
    def __init__(
        self, client: httpx.AsyncClient, identifier: str, app_password: str, clock: Clock
    ) -> None:
        self._client = client
        self._identifier = identifier
        self._password = app_password
        self._clock = clock
        self.session: Session | None = None

    async def current(self) -> Session:
        """A session good for at least a minute."""
        if self.session is None:
            self.session = await self._create()
        elif self.session.expires_at and self.session.expires_at - REFRESH_MARGIN <= self._clock():
            self.session = await self._refreshed(self.session)
        return self.session

    async def expired(self) -> Session:
        """The PDS said the token expired: refresh now (once)."""
        self.session = await self._refreshed(self.session) if self.session else await self._create()
        return self.session

    async def _create(self) -> Session:
        response = await http.call(
            self._client,
            NETWORK,
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json={"identifier": self._identifier, "password": self._password},
        )
        if response.status_code != 200:
            error, message = xrpc_error(response)
            transient = response.status_code >= 500 or response.status_code == 429
            raise PublishFailed(
                f"Bluesky refused the login of {self._identifier} ({error}): {message}"
                + ("" if transient else "; check the account's app password"),
                transient=transient,
            )
        return _session(response)

    async def _refreshed(self, session: Session) -> Session:
        response = await http.call(
            self._client,
            NETWORK,
            "POST",
            "/xrpc/com.atproto.server.refreshSession",
            headers={"Authorization": f"Bearer {session.refresh_jwt}"},
        )
        if response.status_code != 200:
            return await self._create()  # the refresh token too is gone: log in again
        return _session(response)


def _session(response: httpx.Response) -> Session:
    body = http.json_of(response) or {}
    try:
        access = str(body["accessJwt"])
        return Session(
            did=str(body["did"]),
            handle=str(body.get("handle", "")),
            access_jwt=access,
            refresh_jwt=str(body["refreshJwt"]),
            expires_at=jwt_expiry(access),
        )
    except KeyError:
        raise PublishFailed("Bluesky's session answer was malformed", transient=True) from None
