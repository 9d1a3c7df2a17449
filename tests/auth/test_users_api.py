from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.auth.models import User
from app.db import Database
from tests.auth.conftest import Login
from tests.conftest import PASSWORD, make_user

NEW_USER = {"username": "olivia", "password": PASSWORD, "role": "operator"}


async def stored_hash(db: Database, username: str) -> str:
    async with db.read_session() as session:
        value = await session.scalar(
            select(col(User.password_hash)).where(col(User.username) == username)
        )
    assert value is not None
    return value


async def test_admin_creates_a_user_who_can_then_log_in(
    client_as: Any, anon: httpx.AsyncClient
) -> None:
    admin = await client_as("admin")
    response = await admin.post("/api/users", json={**NEW_USER, "display_name": " Olivia R. "})
    assert response.status_code == 201, response.text
    assert response.json()["display_name"] == "Olivia R."
    assert response.json()["role"] == "operator"
    assert response.json()["is_active"] is True
    login = await anon.post("/api/auth/login", json={"username": "olivia", "password": PASSWORD})
    assert login.status_code == 200


async def test_passwords_are_stored_as_argon2id_and_never_returned(
    client_as: Any, db: Database
) -> None:
    admin = await client_as("admin")
    created = await admin.post("/api/users", json=NEW_USER)
    listed = await admin.get("/api/users")
    assert listed.status_code == 200
    assert "olivia" in [u["username"] for u in listed.json()]
    stored = await stored_hash(db, "olivia")
    assert stored.startswith("$argon2id$")
    for response in (created, listed):
        assert "password" not in response.text
        assert "argon2" not in response.text


async def test_a_duplicate_username_is_a_409(client_as: Any) -> None:
    admin = await client_as("admin")
    assert (await admin.post("/api/users", json=NEW_USER)).status_code == 201
    for username in ("olivia", "Olivia"):
        again = await admin.post("/api/users", json={**NEW_USER, "username": username})
        assert again.status_code == 409
        assert "already taken" in again.json()["detail"]


async def test_bad_usernames_passwords_and_roles_are_refused_with_reasons(
    client_as: Any,
) -> None:
    admin = await client_as("admin")
    cases = [
        ({"username": "has space"}, "username"),
        ({"username": ""}, "username"),
        ({"username": "x" * 65}, "username"),
        ({"password": "short"}, "at least 8"),
        ({"role": "superuser"}, "role"),
    ]
    for change, reason in cases:
        response = await admin.post("/api/users", json={**NEW_USER, **change})
        assert response.status_code == 422, change
        assert reason in str(response.json()["detail"]), response.text


async def test_only_admins_manage_users(client_as: Any) -> None:
    producer = await client_as("producer")
    assert (await producer.get("/api/users")).status_code == 403
    assert (await producer.post("/api/users", json=NEW_USER)).status_code == 403
    assert (await producer.patch("/api/users/1", json={"role": "admin"})).status_code == 403


async def test_a_deactivated_user_is_refused_everywhere(
    client_as: Any, db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    admin = await client_as("admin")
    user = await make_user(db, "olivia")
    browser = await login("olivia")
    token = (
        await browser.post(
            "/api/auth/tokens", json={"name": "bot"}, headers={"Origin": "http://testserver"}
        )
    ).json()["token"]

    response = await admin.patch(f"/api/users/{user.id}", json={"is_active": False})
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False

    assert (await browser.get("/api/auth/me")).status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 401
    relogin = await anon.post("/api/auth/login", json={"username": "olivia", "password": PASSWORD})
    assert relogin.status_code == 401
    assert relogin.json()["detail"] == "Wrong username or password."

    # Back in service: the old browser session stays ended, the token works again.
    await admin.patch(f"/api/users/{user.id}", json={"is_active": True})
    assert (await browser.get("/api/auth/me")).status_code == 401
    assert (await anon.get("/api/auth/me", headers=bearer)).status_code == 200


async def test_a_role_change_applies_to_the_next_request(
    client_as: Any, db: Database, login: Login
) -> None:
    admin = await client_as("admin")
    user = await make_user(db, "olivia", role="viewer")
    browser = await login("olivia")
    origin = {"Origin": "http://testserver"}
    assert (
        await browser.post("/api/events", json={"name": "x"}, headers=origin)
    ).status_code == 403
    await admin.patch(f"/api/users/{user.id}", json={"role": "producer"})
    made = await browser.post("/api/events", json={"name": "x"}, headers=origin)
    assert made.status_code == 201


async def test_a_new_password_ends_sessions_and_replaces_the_old_one(
    client_as: Any, db: Database, login: Login, anon: httpx.AsyncClient
) -> None:
    admin = await client_as("admin")
    user = await make_user(db, "olivia")
    browser = await login("olivia")
    response = await admin.patch(
        f"/api/users/{user.id}", json={"password": "a brand new passphrase"}
    )
    assert response.status_code == 200, response.text
    assert (await browser.get("/api/auth/me")).status_code == 401
    old = await anon.post("/api/auth/login", json={"username": "olivia", "password": PASSWORD})
    assert old.status_code == 401
    await login("olivia", "a brand new passphrase")


async def test_patch_refuses_nulls_short_passwords_and_unknown_users(client_as: Any) -> None:
    admin = await client_as("admin")
    me = (await admin.get("/api/auth/me")).json()
    assert (await admin.patch(f"/api/users/{me['id']}", json={"role": None})).status_code == 422
    short = await admin.patch(f"/api/users/{me['id']}", json={"password": "short"})
    assert short.status_code == 422
    assert "at least 8" in short.json()["detail"]
    missing = await admin.patch("/api/users/4242", json={"display_name": "Ghost"})
    assert missing.status_code == 404
    assert "4242" in missing.json()["detail"]


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client_as: Any) -> None:
    admin = await client_as("admin")
    me = (await admin.get("/api/auth/me")).json()
    for change in ({"is_active": False}, {"role": "producer"}):
        response = await admin.patch(f"/api/users/{me['id']}", json=change)
        assert response.status_code == 409
        assert "last active admin" in response.json()["detail"]

    await client_as("admin", "second-admin")
    demoted = await admin.patch(f"/api/users/{me['id']}", json={"role": "producer"})
    assert demoted.status_code == 200
    assert demoted.json()["role"] == "producer"
