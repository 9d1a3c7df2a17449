"""X's consent is the admin's who started it, and for a while only: another login cannot
finish it, and one left on X's page past its lifetime is refused and forgotten, as
Mastodon's are."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from app.db import Database
from tests.accounts.test_accounts_api import age_the_pending_consent
from tests.fakes.x import FakeX


async def consent_given(admin: httpx.AsyncClient, fake: FakeX, code: str) -> dict[str, str]:
    """Start connecting X; the admin says yes on X's page, which hands ``code`` back with
    the state: the callback's query."""
    response = await admin.post("/api/accounts/x/authorize", json={})
    assert response.status_code == 201, response.text
    query = parse_qs(urlsplit(response.json()["authorize_url"]).query)
    fake.codes[code] = query["code_challenge"][0]
    return {"state": query["state"][0], "code": code}


async def come_back(client: httpx.AsyncClient, callback: dict[str, str]) -> dict[str, list[str]]:
    back = await client.get("/api/accounts/x/callback", params=callback)
    assert back.status_code == 303, back.text
    assert urlsplit(back.headers["location"]).path == "/accounts"
    return parse_qs(urlsplit(back.headers["location"]).query)


async def test_an_x_consent_started_by_another_login_cannot_be_finished_there(
    admin: httpx.AsyncClient, client_as: Any, x: tuple[FakeX, str]
) -> None:
    callback = await consent_given(admin, x[0], "code-1")
    other_admin: httpx.AsyncClient = await client_as("admin", "alan", "Alan")
    said = await come_back(other_admin, callback)
    assert said["x_error"] == [
        "this X authorization was started from another login: start it again"
    ]
    assert "connected" in await come_back(admin, callback)  # still the starter's to finish


async def test_an_x_consent_that_took_too_long_is_refused_and_forgotten(
    admin: httpx.AsyncClient, x: tuple[FakeX, str], db: Database
) -> None:
    callback = await consent_given(admin, x[0], "code-1")
    await age_the_pending_consent(db, minutes=11)
    said = await come_back(admin, callback)
    assert said["x_error"] == ["the consent on X took longer than 10 minutes: start again"]
    assert (await admin.get("/api/accounts")).json()["accounts"] == []
