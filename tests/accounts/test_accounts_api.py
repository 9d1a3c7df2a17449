"""Connecting the desk's network accounts: encrypted at rest, never sent back, tested."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import text

from app.accounts import service
from app.accounts.crypto import Vault
from app.accounts.models import NetworkAccount
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.main import create_app
from tests.fakes.bluesky import APP_PASSWORD, HANDLE, FakeBluesky
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.x import FakeX


async def connect_bluesky(admin: httpx.AsyncClient, password: str = APP_PASSWORD) -> Any:
    response = await admin.post(
        "/api/accounts",
        json={"network": "bluesky", "handle": f"@{HANDLE}", "app_password": password},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def raw_rows(db: Database) -> str:
    async with db.read_session() as session:
        rows = (await session.execute(text("SELECT * FROM network_account"))).all()
    return repr(rows)


async def age_the_pending_consent(db: Database, minutes: int) -> None:
    """The one pending consent as if it had been started ``minutes`` ago."""
    async with db.transaction() as session:
        (pending,) = (await session.execute(text("SELECT id FROM network_account"))).all()
        account = await session.get(NetworkAccount, pending[0])
        assert account is not None
        account.created_at = utcnow() - timedelta(minutes=minutes)


async def test_a_connected_account_is_stored_encrypted_and_shown_masked(
    admin: httpx.AsyncClient, db: Database
) -> None:
    account = await connect_bluesky(admin)
    assert account["secret_set"] is True
    assert account["secret_hint"] == "••••mnop"
    assert APP_PASSWORD not in repr(account)
    listed = (await admin.get("/api/accounts")).json()["accounts"]
    assert APP_PASSWORD not in repr(listed)
    assert APP_PASSWORD not in await raw_rows(db)


async def test_test_connection_says_who_the_account_is(
    admin: httpx.AsyncClient, bluesky: tuple[FakeBluesky, str]
) -> None:
    account = await connect_bluesky(admin)
    response = await admin.post(f"/api/accounts/{account['id']}/test")
    assert response.status_code == 200, response.text
    tested = response.json()
    assert tested["ok"] is True and tested["message"] == f"Connected as @{HANDLE}"
    assert tested["account"]["network_user_id"].startswith("did:plc:")
    assert tested["account"]["status"] == "connected"


async def test_a_slow_network_under_test_holds_no_other_write_up(
    admin: httpx.AsyncClient, bluesky: tuple[FakeBluesky, str], settings: Settings
) -> None:
    """An admin's Test waits on the network holding no write lock: SQLite has one writer,
    and ingest, claims and replies must go on meanwhile."""
    settings.publish_send_timeout_seconds = 60  # the network answers long after the write
    account = await connect_bluesky(admin)
    fake = bluesky[0]
    fake.login_gate = asyncio.Event()
    testing = asyncio.create_task(admin.post(f"/api/accounts/{account['id']}/test"))
    try:
        await asyncio.wait_for(fake.login_waiting.wait(), timeout=20)
        # Another write while the network is held: before, it waited for the Test's answer.
        created = await asyncio.wait_for(
            admin.post("/api/events", json={"name": "Meanwhile", "hashtags": ["meanwhile"]}),
            timeout=10,
        )
        assert created.status_code == 201, created.text
    finally:
        fake.login_gate.set()
    tested = (await testing).json()
    assert tested["ok"] is True and tested["account"]["status"] == "connected"


async def test_a_refused_app_password_shows_on_the_account_with_the_networks_reason(
    admin: httpx.AsyncClient,
) -> None:
    account = await connect_bluesky(admin, password="wrong-pass-word")
    tested = (await admin.post(f"/api/accounts/{account['id']}/test")).json()
    assert tested["ok"] is False
    assert (
        "createSession" in tested["message"]
        and "Invalid identifier or password" in (tested["message"])
    )
    assert tested["account"]["status"] == "refused"
    assert tested["account"]["last_error"] == tested["message"]


async def test_an_unreachable_server_says_so(admin: httpx.AsyncClient) -> None:
    response = await admin.post(
        "/api/accounts",
        json={"network": "mastodon", "server_url": "http://127.0.0.1:9", "access_token": "t"},
    )
    tested = (await admin.post(f"/api/accounts/{response.json()['id']}/test")).json()
    assert tested["ok"] is False and "could not reach http://127.0.0.1:9" in tested["message"]


async def test_a_mastodon_token_is_tested_against_its_server(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    response = await admin.post(
        "/api/accounts",
        json={"network": "mastodon", "server_url": mastodon[1], "access_token": TOKEN},
    )
    tested = (await admin.post(f"/api/accounts/{response.json()['id']}/test")).json()
    assert tested["ok"] is True and tested["account"]["handle"] == "cuedesk"


async def test_only_admins_see_or_connect_accounts(olive: httpx.AsyncClient) -> None:
    assert (await olive.get("/api/accounts")).status_code == 403
    response = await olive.post(
        "/api/accounts", json={"network": "bluesky", "handle": HANDLE, "app_password": "x"}
    )
    assert response.status_code == 403


async def test_credentials_missing_for_the_network_are_a_422(admin: httpx.AsyncClient) -> None:
    response = await admin.post("/api/accounts", json={"network": "bluesky", "handle": HANDLE})
    assert response.status_code == 422
    assert "app password" in response.text


async def test_credentials_survive_a_restart(
    admin: httpx.AsyncClient, settings: Settings, client_as: Any
) -> None:
    account = await connect_bluesky(admin)
    again = create_app(settings)
    async with again.router.lifespan_context(again):
        from tests.conftest import make_token

        db = again.state.db
        token = await make_token(db, "ada2", "admin")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=again),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            tested = (await client.post(f"/api/accounts/{account['id']}/test")).json()
    assert tested["ok"] is True


async def test_x_connects_through_oauth_with_pkce(
    admin: httpx.AsyncClient, x: tuple[FakeX, str], db: Database
) -> None:
    fake, _url = x
    response = await admin.post("/api/accounts/x/authorize", json={})
    assert response.status_code == 201, response.text
    started = response.json()
    assert started["account"]["status"] == "pending"
    query = parse_qs(urlsplit(started["authorize_url"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert "offline.access" in query["scope"][0] and "tweet.write" in query["scope"][0]
    # The admin consents on X, which sends them back with a code.
    fake.codes["code-1"] = query["code_challenge"][0]
    back = await admin.get(
        "/api/accounts/x/callback", params={"state": query["state"][0], "code": "code-1"}
    )
    assert back.status_code == 303
    (account,) = (await admin.get("/api/accounts")).json()["accounts"]
    assert account["status"] == "connected" and account["handle"] == "cuedesk"
    assert account["token_expires_at"] is not None
    stored = await raw_rows(db)
    assert not any(token in stored for token in fake.access_tokens | fake.refresh_tokens)
    # The same state cannot be used twice: the Accounts page says so.
    replay = await admin.get(
        "/api/accounts/x/callback", params={"state": query["state"][0], "code": "code-1"}
    )
    assert replay.status_code == 303
    said = parse_qs(urlsplit(replay.headers["location"]).query)
    assert said["x_error"] == ["this X authorization is unknown, or was already used: start again"]


async def test_a_new_secret_key_reads_the_old_rows_and_rotation_moves_them(
    admin: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    await connect_bluesky(admin)
    old = settings.secret_key
    new = Vault("a-brand-new-secret-key-after-rotation-xyz", [old])
    async with db.transaction() as session:
        done, failed = await service.rotate_all(session, new)
    assert (done, failed) == (1, [])
    async with db.read_session() as session:
        (account,) = await service.list_all(session)
        assert Vault("a-brand-new-secret-key-after-rotation-xyz").open(account.secrets) == {
            "app_password": APP_PASSWORD
        }
