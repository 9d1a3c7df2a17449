"""A socket closes (4401) as soon as the login it was opened with ends, and only then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.auth.deps import SESSION_COOKIE
from app.config import Settings
from app.db import Database
from tests.conftest import PASSWORD, make_token
from tests.stream.conftest import Console, LiveServer, open_console

ENDED = 4401


@pytest.fixture
async def admin(live: LiveServer, stream_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    db = Database(stream_settings.database_url_resolved)
    try:
        admin_token = await make_token(db, "ada", "admin")
        await make_token(db, "olive", "operator")
    finally:
        await db.dispose()
    async with httpx.AsyncClient(
        base_url=live.http, headers={"Authorization": f"Bearer {admin_token}"}
    ) as client:
        yield client


async def olive_id(admin: httpx.AsyncClient) -> int:
    users = (await admin.get("/api/users")).json()
    return int(next(user["id"] for user in users if user["username"] == "olive"))


async def log_in(live: LiveServer, username: str = "olive") -> httpx.AsyncClient:
    """A browser: logged in by cookie, sending its page's origin."""
    client = httpx.AsyncClient(base_url=live.http, headers={"Origin": live.http})
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return client


async def new_token(browser: httpx.AsyncClient) -> tuple[int, str]:
    created = (await browser.post("/api/auth/tokens", json={"name": "script"})).json()
    return int(created["id"]), str(created["token"])


async def still_open(console: Console) -> bool:
    await console.socket.send('{"type": "ping"}')
    await console.receive_type("pong")
    return True


async def test_logging_out_closes_that_browsers_sockets_and_no_other(
    live: LiveServer, admin: Any, stream_event: int
) -> None:
    first, second = await log_in(live), await log_in(live)
    url = live.ws_url(stream_event)
    async with (
        open_console(url, None, cookie=first.cookies[SESSION_COOKIE]) as leaving,
        open_console(url, None, cookie=second.cookies[SESSION_COOKIE]) as staying,
    ):
        await leaving.receive_type("hello")
        await staying.receive_type("hello")
        assert (await first.post("/api/auth/logout")).status_code == 204
        assert await leaving.close_code() == ENDED
        assert await still_open(staying)
    await first.aclose()
    await second.aclose()


async def test_deactivating_a_user_closes_every_socket_of_theirs(
    live: LiveServer, admin: httpx.AsyncClient, stream_event: int
) -> None:
    browser = await log_in(live)
    _token_id, token = await new_token(browser)
    url = live.ws_url(stream_event)
    async with (
        open_console(url, None, cookie=browser.cookies[SESSION_COOKIE]) as by_cookie,
        open_console(url, token) as by_token,
    ):
        await by_cookie.receive_type("hello")
        await by_token.receive_type("hello")
        response = await admin.patch(
            f"/api/users/{await olive_id(admin)}", json={"is_active": False}
        )
        assert response.status_code == 200, response.text
        assert await by_cookie.close_code() == ENDED
        assert await by_token.close_code() == ENDED
    await browser.aclose()


async def test_a_new_password_closes_browser_sockets_but_not_token_ones(
    live: LiveServer, admin: httpx.AsyncClient, stream_event: int
) -> None:
    browser = await log_in(live)
    _token_id, token = await new_token(browser)
    url = live.ws_url(stream_event)
    async with (
        open_console(url, None, cookie=browser.cookies[SESSION_COOKIE]) as by_cookie,
        open_console(url, token) as by_token,
    ):
        await by_cookie.receive_type("hello")
        await by_token.receive_type("hello")
        response = await admin.patch(
            f"/api/users/{await olive_id(admin)}", json={"password": "another long password"}
        )
        assert response.status_code == 200, response.text
        assert await by_cookie.close_code() == ENDED
        assert await still_open(by_token)
    await browser.aclose()


async def test_revoking_a_token_closes_the_sockets_opened_with_it(
    live: LiveServer, admin: httpx.AsyncClient, stream_event: int
) -> None:
    browser = await log_in(live)
    token_id, token = await new_token(browser)
    _other_id, other = await new_token(browser)
    url = live.ws_url(stream_event)
    async with open_console(url, token) as revoked, open_console(url, other) as kept:
        await revoked.receive_type("hello")
        await kept.receive_type("hello")
        assert (await browser.delete(f"/api/auth/tokens/{token_id}")).status_code == 204
        assert await revoked.close_code() == ENDED
        assert await still_open(kept)
    await browser.aclose()


async def test_a_new_role_closes_the_users_sockets(
    live: LiveServer, admin: httpx.AsyncClient, stream_event: int
) -> None:
    """What the stream shows depends on the role (viewers see less): they reconnect."""
    browser = await log_in(live)
    _token_id, token = await new_token(browser)
    async with open_console(live.ws_url(stream_event), token) as console:
        await console.receive_type("hello")
        response = await admin.patch(f"/api/users/{await olive_id(admin)}", json={"role": "viewer"})
        assert response.status_code == 200, response.text
        assert await console.close_code() == ENDED
    await browser.aclose()
