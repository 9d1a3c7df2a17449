"""Mastodon's OAuth 2.0 authorization code flow, on whichever server the admin names: the
server's instance (is it Mastodon, and how does it count a status), Cuedesk registered as
an app there once (``POST /api/v1/apps``), the consent page's address, and the code
exchanged for a token (``POST /oauth/token``).

PKCE (S256) goes along every time: Mastodon checks it since 4.3, and older servers ignore
the extra parameters. Mastodon's tokens do not expire: there is no refresh.

Scopes asked, as few as the desk needs: ``read:accounts`` (who the account is),
``read:statuses`` (the hashtag stream and timeline a source listens on), ``read:search``
(find a status of another server, to answer it), ``write:statuses`` (post) and
``write:media`` (upload a post's images).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from app.networks.checks import reason_of
from app.replies.length import MASTODON_DEFAULT_LIMIT, URL_LENGTH, MastodonCounting

SCOPES = "read:accounts read:statuses read:search write:statuses write:media"
CLIENT_NAME = "Cuedesk"


class ConnectFailed(Exception):
    """A step of connecting failed; the message says which, and the server's own words."""


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str


def server_origin(url: str) -> str:
    """The server an address the admin typed names (``https://host[:port]``): a profile's
    or a post's address names its server too."""
    try:
        parts = urlsplit(url.strip())
        usable = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, a bracket left open
        usable = False
    if not usable:
        raise ConnectFailed(
            f"{url!r} is not a server's address: give it as https://mastodon.social"
        )
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


async def _call(
    server_url: str, method: str, path: str, wait_seconds: float, **kwargs: Any
) -> httpx.Response:
    try:
        async with httpx.AsyncClient(base_url=server_url, timeout=wait_seconds) as http:
            return await http.request(method, path, **kwargs)
    except httpx.TimeoutException:
        raise ConnectFailed(f"{server_url} gave no answer in {wait_seconds:g} s") from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        # ValueError: an address httpx takes but the resolver does not (a bad IDN label).
        raise ConnectFailed(
            f"Could not reach {server_url} ({exc.__class__.__name__}): check the address"
        ) from None


def _positive(value: Any, default: int) -> int:
    whole = isinstance(value, int) and not isinstance(value, bool)
    return value if whole and value > 0 else default


async def read_counting(server_url: str, wait_seconds: float) -> MastodonCounting:
    """The server's counting rules, from ``GET /api/v2/instance`` (Mastodon 4.0 and newer);
    a server that does not answer it as Mastodon does is not taken for one."""
    response = await _call(server_url, "GET", "/api/v2/instance", wait_seconds)
    not_mastodon = (
        f"{server_url} does not answer as a Mastodon server does (GET /api/v2/instance "
        f"answered {response.status_code}"
    )
    if response.status_code != 200:
        raise ConnectFailed(f"{not_mastodon}: {reason_of(response)}): check the address")
    try:
        body = response.json()
    except ValueError:
        raise ConnectFailed(f"{not_mastodon}, not JSON): check the address") from None
    configuration = body.get("configuration") if isinstance(body, dict) else None
    if not isinstance(configuration, dict):
        raise ConnectFailed(f"{not_mastodon} without a configuration): check the address")
    statuses = configuration.get("statuses")
    statuses = statuses if isinstance(statuses, dict) else {}
    return MastodonCounting(
        max_characters=_positive(statuses.get("max_characters"), MASTODON_DEFAULT_LIMIT),
        characters_reserved_per_url=_positive(
            statuses.get("characters_reserved_per_url"), URL_LENGTH
        ),
    )


async def register_app(
    server_url: str, redirect_uri: str, website: str, wait_seconds: float
) -> App:
    """Cuedesk as an app on the server, allowed to send people back to ``redirect_uri``."""
    form = {"client_name": CLIENT_NAME, "redirect_uris": redirect_uri, "scopes": SCOPES}
    if website:
        form["website"] = website
    body = await _post_form(
        server_url, "/api/v1/apps", form, wait_seconds, needs="client_id",
        refusal=f"{server_url} refused to register Cuedesk as an app",
    )  # fmt: skip
    return App(str(body["client_id"]), str(body.get("client_secret") or ""))


def consent_url(server_url: str, app: App, redirect_uri: str, state: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{server_url}/oauth/authorize?{urlencode(query)}"


async def exchange_code(
    server_url: str, app: App, code: str, verifier: str, redirect_uri: str, wait_seconds: float
) -> str:
    """The access token the code stands for."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "scope": SCOPES,
    }
    body = await _post_form(
        server_url, "/oauth/token", form, wait_seconds, needs="access_token",
        refusal=f"{server_url} refused the code exchange",
    )  # fmt: skip
    return str(body["access_token"])


async def _post_form(
    server_url: str, path: str, form: dict[str, str], wait_seconds: float, *, needs: str,
    refusal: str,
) -> dict[str, Any]:  # fmt: skip
    """The JSON object a form POST answers, holding ``needs``; else ``refusal``, with the
    status and the server's words."""
    response = await _call(server_url, "POST", path, wait_seconds, data=form)
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or not body.get(needs):
        raise ConnectFailed(f"{refusal} ({response.status_code}: {reason_of(response)})")
    return body
