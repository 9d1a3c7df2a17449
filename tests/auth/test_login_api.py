from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import update

from app.auth.deps import SESSION_COOKIE
from app.auth.models import UserSession
from app.common.time import utcnow
from app.db import Database
from tests.auth.conftest import SAME_ORIGIN, Login
from tests.conftest import PASSWORD, make_user


async def test_login_sets_an_httponly_samesite_cookie_and_me_works_with_it(
    anon: httpx.AsyncClient, db: Database
) -> None:
    await make_user(db, "alice", role="producer")
    response = await anon.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "alice"
    assert response.json()["role"] == "producer"
    (cookie,) = response.headers.get_list("set-cookie")
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0].startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "max-age=43200" in attributes
    assert "secure" not in attributes  # cookie_secure is off in tests

    me = await anon.get("/api/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "alice"


async def test_cookie_is_marked_secure_when_configured(
    app: object, anon: httpx.AsyncClient, db: Database
) -> None:
    app.state.settings.cookie_secure = True  # type: ignore[attr-defined]
    await make_user(db, "alice")
    response = await anon.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower().split("; ")


async def test_wrong_password_and_unknown_user_get_the_same_401(
    anon: httpx.AsyncClient, db: Database
) -> None:
    await make_user(db, "alice")
    wrong_password = await anon.post(
        "/api/auth/login", json={"username": "alice", "password": "not the password"}
    )
    unknown_user = await anon.post(
        "/api/auth/login", json={"username": "mallory", "password": PASSWORD}
    )
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json() == {"detail": "Wrong username or password."}
    assert "set-cookie" not in wrong_password.headers


async def test_login_without_fields_is_a_422(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/api/auth/login", json={"username": "alice"})
    assert response.status_code == 422
    assert "password" in response.json()["errors"][0]["message"]


async def test_logout_ends_the_session_even_if_the_cookie_is_replayed(
    db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    await make_user(db, "alice")
    client = await login("alice")
    token = client.cookies[SESSION_COOKIE]

    response = await client.post("/api/auth/logout", headers=SAME_ORIGIN)
    assert response.status_code == 204
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert (await client.get("/api/auth/me")).status_code == 401

    replayed = await anon.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={token}"})
    assert replayed.status_code == 401


async def test_logout_without_a_session_just_clears(anon: httpx.AsyncClient) -> None:
    response = await anon.post("/api/auth/logout")
    assert response.status_code == 204
    assert SESSION_COOKIE in response.headers["set-cookie"]


async def test_an_expired_session_is_refused(db: Database, login: Login) -> None:
    await make_user(db, "alice")
    client = await login("alice")
    assert (await client.get("/api/auth/me")).status_code == 200
    async with db.transaction() as session:
        await session.execute(
            update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await client.get("/api/auth/me")
    assert response.status_code == 401
    assert "Log in" in response.json()["detail"]


async def test_a_new_login_replaces_the_browsers_previous_session(
    db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    await make_user(db, "alice")
    client = await login("alice")
    first = client.cookies[SESSION_COOKIE]
    again = await client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert again.status_code == 200
    assert client.cookies[SESSION_COOKIE] != first
    assert (
        await anon.get("/api/auth/me", headers={"Cookie": f"{SESSION_COOKIE}={first}"})
    ).status_code == 401
    assert (await client.get("/api/auth/me")).status_code == 200


async def test_eleventh_failed_login_for_a_username_is_throttled(
    db: Database, from_address: Callable[[str], httpx.AsyncClient]
) -> None:
    await make_user(db, "alice")
    await make_user(db, "bob")
    # Each guess from a different address: the limit follows the username.
    for n in range(10):
        guess = await from_address(f"10.0.0.{n}").post(
            "/api/auth/login", json={"username": "alice", "password": f"guess-{n}-x"}
        )
        assert guess.status_code == 401
    throttled = await from_address("10.0.1.1").post(
        "/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 300
    assert "try again" in throttled.json()["detail"]

    other_user = await from_address("10.0.1.1").post(
        "/api/auth/login", json={"username": "bob", "password": PASSWORD}
    )
    assert other_user.status_code == 200


async def test_eleventh_failed_login_from_one_address_is_throttled(
    db: Database, from_address: Callable[[str], httpx.AsyncClient]
) -> None:
    await make_user(db, "alice")
    client = from_address("192.0.2.10")
    for n in range(10):
        guess = await client.post(
            "/api/auth/login", json={"username": f"user{n}", "password": PASSWORD}
        )
        assert guess.status_code == 401
    throttled = await client.post(
        "/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert throttled.status_code == 429
    assert "Retry-After" in throttled.headers

    elsewhere = await from_address("192.0.2.11").post(
        "/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert elsewhere.status_code == 200


async def test_a_successful_login_forgets_the_usernames_earlier_typos(
    db: Database, from_address: Callable[[str], httpx.AsyncClient]
) -> None:
    await make_user(db, "alice")
    # A new address each round, because an address's failures are not forgotten on success:
    # one valid account must not let an address keep guessing other people's passwords.
    for round_ in range(3):
        client = from_address(f"10.2.{round_}.1")
        for n in range(6):
            typo = await client.post(
                "/api/auth/login", json={"username": "alice", "password": f"typo-{n}-xx"}
            )
            assert typo.status_code == 401
        ok = await client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
        assert ok.status_code == 200, ok.text


async def test_a_login_from_a_foreign_page_is_refused(
    db: Database, anon: httpx.AsyncClient
) -> None:
    await make_user(db, "alice")
    response = await anon.post(
        "/api/auth/login",
        json={"username": "alice", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Cross-site request refused."}
