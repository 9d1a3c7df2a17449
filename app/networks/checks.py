""" "Test connection": one harmless call per network with the account's credentials, and
exactly what failed when it does. Nothing is posted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class CheckFailed(Exception):
    """What failed, in words for the admin (the network's own reason included)."""


@dataclass(frozen=True)
class Identity:
    handle: str
    user_id: str


def reason_of(response: httpx.Response) -> str:
    """The network's own words for a refusal, else the status line."""
    try:
        body: Any = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        for key in ("message", "detail", "error_description", "error", "title"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return response.reason_phrase or f"HTTP {response.status_code}"


async def _get_json(
    base_url: str, path: str, wait_seconds: float, what: str, **kwargs: Any
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=wait_seconds) as client:
        try:
            response = await client.request(kwargs.pop("method", "GET"), path, **kwargs)
        except httpx.TimeoutException:
            raise CheckFailed(f"{what}: {base_url} gave no answer in {wait_seconds:g} s") from None
        except httpx.HTTPError as exc:
            raise CheckFailed(f"{what}: could not reach {base_url} ({exc!r})") from None
    if response.status_code == 401:
        raise CheckFailed(f"{what}: the credential was refused (401: {reason_of(response)})")
    if response.status_code != 200:
        raise CheckFailed(f"{what}: answered {response.status_code}: {reason_of(response)}")
    try:
        body = response.json()
    except ValueError:
        raise CheckFailed(f"{what}: the answer was not JSON") from None
    if not isinstance(body, dict):
        raise CheckFailed(f"{what}: the answer was not an object")
    return body


async def check_x(api_url: str, access_token: str, wait_seconds: float) -> Identity:
    body = await _get_json(
        api_url,
        "/2/users/me",
        wait_seconds,
        "X (GET /2/users/me)",
        headers={"Authorization": f"Bearer {access_token}"},
    )
    data = body.get("data") or {}
    return Identity(handle=str(data.get("username", "")), user_id=str(data.get("id", "")))


async def check_bluesky(
    pds_url: str, identifier: str, app_password: str, wait_seconds: float
) -> Identity:
    body = await _get_json(
        pds_url,
        "/xrpc/com.atproto.server.createSession",
        wait_seconds,
        "Bluesky (createSession)",
        method="POST",
        json={"identifier": identifier, "password": app_password},
    )
    return Identity(handle=str(body.get("handle", "")), user_id=str(body.get("did", "")))


async def check_mastodon(server_url: str, token: str, wait_seconds: float) -> Identity:
    body = await _get_json(
        server_url,
        "/api/v1/accounts/verify_credentials",
        wait_seconds,
        "Mastodon (verify_credentials)",
        headers={"Authorization": f"Bearer {token}"},
    )
    return Identity(handle=str(body.get("acct", "")), user_id=str(body.get("id", "")))
