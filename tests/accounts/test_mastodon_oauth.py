"""Connecting a Mastodon account through its server's consent page: Cuedesk registers itself
on the server once, the admin says yes there, and the token it gives is kept encrypted and
posts. Whatever goes wrong on the way says why on the Accounts page."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import text

from app.accounts import service
from app.accounts.crypto import Vault
from app.config import Settings
from app.db import Database
from app.networks.mastodon.oauth import SCOPES
from tests.accounts.test_accounts_api import age_the_pending_consent, raw_rows
from tests.cues.helpers import wait_for
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.fakes.x import FakeX


async def start(admin: httpx.AsyncClient, server_url: str, **body: Any) -> str:
    """The consent page's address the admin is sent to."""
    response = await admin.post(
        "/api/accounts/mastodon/authorize", json={"server_url": server_url, **body}
    )
    assert response.status_code == 201, response.text
    assert response.json()["account"]["status"] == "pending"
    return str(response.json()["authorize_url"])


async def consent(authorize_url: str) -> str:
    """The admin's browser on the server's consent page: where it is sent back to."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(authorize_url)
    assert page.status_code == 302, page.text
    return page.headers["location"]


async def come_back(admin: httpx.AsyncClient, callback: str) -> dict[str, list[str]]:
    """The callback's answer: the Accounts page's address, as a query."""
    back = await admin.get(callback)
    assert back.status_code == 303, back.text
    assert urlsplit(back.headers["location"]).path == "/accounts"
    return parse_qs(urlsplit(back.headers["location"]).query)


async def connect(admin: httpx.AsyncClient, server_url: str, **body: Any) -> dict[str, Any]:
    said = await come_back(admin, await consent(await start(admin, server_url, **body)))
    assert "connected" in said, said
    accounts = (await admin.get("/api/accounts")).json()["accounts"]
    (account,) = [a for a in accounts if str(a["id"]) == said["connected"][0]]
    return dict(account)


async def test_mastodon_connects_through_its_consent_page_with_pkce(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str], db: Database
) -> None:
    fake, url = mastodon
    account = await connect(admin, url)
    assert account["status"] == "connected" and account["handle"] == "cuedesk"
    assert account["server_url"] == url and account["secret_set"] is True
    assert account["max_characters"] == 500 and account["token_expires_at"] is None
    (registered,) = fake.oauth.registrations
    assert registered["client_name"] == "Cuedesk" and registered["scopes"] == SCOPES
    assert registered["redirect_uris"] == "http://testserver/api/accounts/mastodon/callback"
    (asked,) = fake.oauth.consents
    assert asked["code_challenge_method"] == "S256" and asked["scope"] == SCOPES
    (exchange,) = fake.oauth.exchanges
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]


async def test_the_token_is_stored_encrypted_and_posts(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str], db: Database,
    olive: httpx.AsyncClient, producer: httpx.AsyncClient, event_id: int,
) -> None:  # fmt: skip
    fake, url = mastodon
    account = await connect(admin, url)
    (token,) = fake.tokens - {TOKEN}
    (client_secret,) = [app["client_secret"] for app in fake.oauth.apps.values()]
    stored = await raw_rows(db)
    async with db.read_session() as session:
        apps = repr((await session.execute(text("SELECT * FROM mastodon_app"))).all())
    assert token not in stored and client_secret not in apps
    assert token not in repr(account) and account["secret_hint"] == "••••" + token[-4:]

    response = await olive.post(
        f"/api/events/{event_id}/quick-posts", json={"texts": {"mastodon": "Kick-off!"}}
    )
    assert response.status_code == 201, response.text
    await wait_for(producer, event_id, "post.published")
    (posted,) = fake.requests
    assert posted["token"] == token and posted["body"]["status"] == "Kick-off!"


async def test_a_second_account_on_the_same_server_reuses_cuedesks_app(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str], event_id: int
) -> None:
    fake, url = mastodon
    first = await connect(admin, url)
    # A profile's address names the server too.
    second = await connect(admin, url + "/@cuedesk", event_id=event_id)
    assert len(fake.oauth.registrations) == 1
    assert {first["status"], second["status"]} == {"connected"}
    assert second["event_id"] == event_id and second["server_url"] == url
    (client_id,) = fake.oauth.apps
    assert [asked["client_id"] for asked in fake.oauth.consents] == [client_id, client_id]


async def test_a_declined_consent_says_so_and_keeps_no_account(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake, url = mastodon
    fake.consent = "deny"
    said = await come_back(admin, await consent(await start(admin, url)))
    assert said["mastodon_error"] == [
        f"the consent was declined on {url}: Cuedesk was given no access"
    ]
    assert (await admin.get("/api/accounts")).json()["accounts"] == []
    assert fake.oauth.exchanges == []


async def test_a_state_used_twice_or_made_up_is_refused(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    callback = await consent(await start(admin, mastodon[1]))
    assert "connected" in await come_back(admin, callback)
    unknown = "this Mastodon authorization is unknown, or was already used: start again"
    assert (await come_back(admin, callback))["mastodon_error"] == [unknown]
    made_up = "/api/accounts/mastodon/callback?state=made-up&code=x"
    assert (await come_back(admin, made_up))["mastodon_error"] == [unknown]
    assert len((await admin.get("/api/accounts")).json()["accounts"]) == 1


async def test_a_consent_started_by_another_login_cannot_be_finished_here(
    admin: httpx.AsyncClient, client_as: Any, mastodon: tuple[FakeMastodon, str]
) -> None:
    callback = await consent(await start(admin, mastodon[1]))
    other_admin: httpx.AsyncClient = await client_as("admin", "alan", "Alan")
    said = await come_back(other_admin, callback)
    assert said["mastodon_error"] == [
        "this Mastodon authorization was started from another login: start it again"
    ]
    assert "connected" in await come_back(admin, callback)  # still the starter's to finish


async def test_a_consent_that_took_too_long_is_refused(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str], db: Database
) -> None:
    fake, url = mastodon
    callback = await consent(await start(admin, url))
    await age_the_pending_consent(db, minutes=11)
    said = await come_back(admin, callback)
    assert said["mastodon_error"] == [
        f"the consent on {url} took longer than 10 minutes: start again"
    ]
    assert (await admin.get("/api/accounts")).json()["accounts"] == []
    assert fake.oauth.exchanges == []


async def test_a_server_out_of_reach_is_said_before_leaving_cuedesk(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.post(
        "/api/accounts/mastodon/authorize", json={"server_url": "http://127.0.0.1:9"}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith(
        "Mastodon did not connect: Could not reach http://127.0.0.1:9"
    )


async def test_a_server_that_is_not_mastodon_is_said_so(
    admin: httpx.AsyncClient, x: tuple[FakeX, str]
) -> None:
    response = await admin.post("/api/accounts/mastodon/authorize", json={"server_url": x[1]})
    assert response.status_code == 422
    assert "does not answer as a Mastodon server does" in response.json()["detail"]
    assert (await admin.get("/api/accounts")).json()["accounts"] == []


async def test_a_refused_registration_gives_the_servers_reason(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake, url = mastodon
    fake.oauth.refuse_registration = "Validation failed: Redirect URI must be an absolute URI."
    response = await admin.post("/api/accounts/mastodon/authorize", json={"server_url": url})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"Mastodon did not connect: {url} refused to register Cuedesk as an app (422: "
        "Validation failed: Redirect URI must be an absolute URI.)."
    )


async def test_a_refused_code_exchange_shows_on_the_account(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake, url = mastodon
    callback = await consent(await start(admin, url))
    fake.oauth.codes.clear()  # the code went stale on the server's side
    said = await come_back(admin, callback)
    assert said["mastodon_error"][0].startswith(f"{url} refused the code exchange (400: ")
    (account,) = (await admin.get("/api/accounts")).json()["accounts"]
    assert account["status"] == "refused" and account["secret_set"] is False
    assert account["last_error"] == said["mastodon_error"][0]


async def test_the_token_path_still_connects_and_reads_the_servers_limit(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str]
) -> None:
    fake, url = mastodon
    fake.max_characters = 1000
    response = await admin.post(
        "/api/accounts", json={"network": "mastodon", "server_url": url, "access_token": TOKEN}
    )
    assert response.status_code == 201, response.text
    tested = (await admin.post(f"/api/accounts/{response.json()['id']}/test")).json()
    assert tested["ok"] is True
    assert tested["message"] == "Connected as @cuedesk (statuses of up to 1,000 characters)"
    assert tested["account"]["max_characters"] == 1000
    assert tested["account"]["characters_reserved_per_url"] == 23


async def test_rotating_the_secret_key_keeps_the_servers_app(
    admin: httpx.AsyncClient, mastodon: tuple[FakeMastodon, str], db: Database,
    settings: Settings,
) -> None:  # fmt: skip
    fake, url = mastodon
    await connect(admin, url)
    new = Vault("a-brand-new-secret-key-after-rotation-xyz", [settings.secret_key])
    async with db.transaction() as session:
        assert await service.rotate_all(session, new) == (1, [])
    settings.secret_key = "a-brand-new-secret-key-after-rotation-xyz"
    await connect(admin, url)  # the app, now under the new key, is still the one used
    assert len(fake.oauth.registrations) == 1
