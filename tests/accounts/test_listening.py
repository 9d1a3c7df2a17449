"""The listening sources use the admin's stored accounts, through the whole app: a Mastodon
source on a server only an account gives a token for, an X stream on the X app's bearer
token stored on an X account. The secrets never show in an answer or a log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from app.accounts.crypto import mask
from tests.fakes import x_stream
from tests.fakes.mastodon_stream import TOKEN, FakeMastodonStream, sse, status
from tests.fakes.scripted_stream import HOLD
from tests.fakes.server import serve_asgi
from tests.fakes.x import FakeX
from tests.ingest.helpers import eventually


@pytest.fixture
def x_listen() -> x_stream.FakeX:
    return x_stream.FakeX()


@pytest.fixture
async def x(x_listen: x_stream.FakeX) -> AsyncIterator[tuple[FakeX, str]]:
    """One X API host, as the real one: consent, tokens and posts (tests/fakes/x.py) and the
    filtered stream with its rules (tests/fakes/x_stream.py)."""
    posting = FakeX()
    both = Starlette(routes=[*posting.app().routes, *x_listen.app().routes])
    async with serve_asgi(both) as url:
        yield posting, url


@pytest.fixture
async def mastodon_listen() -> AsyncIterator[tuple[FakeMastodonStream, str]]:
    server = FakeMastodonStream()
    async with serve_asgi(server.app()) as url:
        yield server, url


async def mentions_of(client: httpx.AsyncClient, event_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(f"/api/events/{event_id}/mentions")).json()[
        "items"
    ]
    return items


async def connect_x_with_bearer_token(
    admin: httpx.AsyncClient, fake: FakeX, bearer_token: str
) -> dict[str, Any]:
    """Through X's consent page, the app's bearer token given with the start."""
    response = await admin.post("/api/accounts/x/authorize", json={"bearer_token": bearer_token})
    assert response.status_code == 201, response.text
    query = parse_qs(urlsplit(response.json()["authorize_url"]).query)
    fake.codes["code-1"] = query["code_challenge"][0]
    await admin.get(
        "/api/accounts/x/callback", params={"state": query["state"][0], "code": "code-1"}
    )
    (account,) = (await admin.get("/api/accounts")).json()["accounts"]
    assert account["status"] == "connected", account
    return dict(account)


async def test_a_mastodon_source_listens_with_a_connected_accounts_token(
    admin: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    mastodon_listen: tuple[FakeMastodonStream, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server, url = mastodon_listen
    server.connections = [[sse("update", status(1)), HOLD]]
    sources = f"/api/events/{event_id}/sources"
    elsewhere = await producer.post(
        sources, json={"kind": "mastodon", "config": {"servers": [url]}}
    )
    assert elsewhere.status_code == 422, elsewhere.text  # no token for it yet
    message = elsewhere.json()["detail"]
    assert url in message
    assert "CUEDESK_MASTODON_SERVERS" in message and "Accounts page" in message

    connected = await admin.post(
        "/api/accounts", json={"network": "mastodon", "server_url": url, "access_token": TOKEN}
    )
    assert connected.status_code == 201, connected.text
    started = await producer.post(sources, json={"kind": "mastodon", "config": {"servers": [url]}})
    assert started.status_code == 201, started.text

    async def stored() -> bool:
        return len(await mentions_of(producer, event_id)) == 1

    await eventually(stored, what="the status stored, heard with the account's token")
    listed = await admin.get("/api/accounts")
    assert TOKEN not in listed.text and TOKEN not in connected.text
    assert TOKEN not in caplog.text


async def test_the_x_stream_listens_with_the_bearer_token_stored_on_the_x_account(
    admin: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    event_id: int,
    x: tuple[FakeX, str],
    x_listen: x_stream.FakeX,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    x_listen.connections = [
        [x_stream.line(x_stream.post(1, tag=f"cuedesk-event-{event_id}")), HOLD]
    ]
    account = await connect_x_with_bearer_token(admin, x[0], x_stream.TOKEN)
    assert account["bearer_token_set"] is True
    assert account["bearer_token_hint"] == mask(x_stream.TOKEN)

    started = await producer.post(f"/api/events/{event_id}/sources", json={"kind": "x"})
    assert started.status_code == 201, started.text

    async def stored() -> bool:
        return len(await mentions_of(producer, event_id)) == 1

    await eventually(stored, what="the post stored, heard with the stored bearer token")
    assert x_listen.rules[0]["tag"] == f"cuedesk-event-{event_id}"
    assert x_stream.TOKEN not in (await admin.get("/api/accounts")).text
    assert x_stream.TOKEN not in caplog.text


async def test_the_x_bearer_token_is_set_and_removed_on_an_x_account_only(
    admin: httpx.AsyncClient, x: tuple[FakeX, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    account = await connect_x_with_bearer_token(admin, x[0], "first-bearer-token-0001")
    secret = "the-x-apps-bearer-token-1234"
    changed = await admin.patch(f"/api/accounts/{account['id']}", json={"bearer_token": secret})
    assert changed.status_code == 200, changed.text
    assert changed.json()["bearer_token_hint"] == "••••1234"
    assert changed.json()["secret_set"] is True  # the user's tokens are still there
    assert secret not in changed.text and secret not in caplog.text

    removed = await admin.patch(f"/api/accounts/{account['id']}", json={"bearer_token": None})
    assert removed.json()["bearer_token_set"] is False and removed.json()["secret_set"] is True

    mastodon = await admin.post(
        "/api/accounts",
        json={"network": "mastodon", "server_url": "https://m.example", "access_token": "t"},
    )
    refused = await admin.patch(
        f"/api/accounts/{mastodon.json()['id']}", json={"bearer_token": secret}
    )
    assert refused.status_code == 422 and "Only an X account" in refused.text
    missing = await admin.patch("/api/accounts/999", json={"bearer_token": secret})
    assert missing.status_code == 404
