"""Accounts behaviour that the HTTP API cannot show directly."""

from __future__ import annotations

from typing import Any

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

from app.auth import service
from app.common.errors import Conflict, Invalid
from app.db import Database
from tests.conftest import PASSWORD, make_user


async def test_an_unknown_username_still_costs_a_password_check(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(db, "alice")
    checks: list[str] = []
    real_verify = service._verify_password

    async def counting_verify(password: str, password_hash: str) -> Any:
        checks.append(password_hash)
        return await real_verify(password, password_hash)

    monkeypatch.setattr(service, "_verify_password", counting_verify)
    async with db.transaction() as session:
        assert await service.authenticate(session, "nobody", PASSWORD) is None
        assert await service.authenticate(session, "alice", "wrong password") is None
    assert len(checks) == 2
    assert all(h.startswith("$argon2id$") for h in checks)


async def test_an_outdated_hash_is_upgraded_at_login(db: Database) -> None:
    user = await make_user(db, "alice")
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with db.transaction() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        stored.password_hash = weak
    async with db.transaction() as session:
        authenticated = await service.authenticate(session, "alice", PASSWORD)
        assert authenticated is not None
    async with db.read_session() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        assert stored.password_hash != weak
        assert stored.password_hash.startswith("$argon2id$")
    async with db.transaction() as session:
        assert await service.authenticate(session, "alice", PASSWORD) is not None


async def test_the_same_rules_apply_outside_http(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(Invalid, match="username"):
            await service.create_user(session, "bad name\n", PASSWORD, "viewer")
        with pytest.raises(Invalid, match="role"):
            await service.create_user(session, "carol", PASSWORD, "root")
        with pytest.raises(Invalid, match="at least 8"):
            await service.create_user(session, "carol", "1234567", "viewer")
    await make_user(db, "carol")
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await service.create_user(session, "carol", PASSWORD, "viewer")


async def test_session_and_token_lookups_do_not_write(db: Database) -> None:
    user = await make_user(db, "alice")
    async with db.transaction() as session:
        cookie = await service.create_session(session, user, max_age_seconds=60)
        _row, token = await service.create_api_token(session, user, "bot")
    async with db.read_session() as session:
        assert await service.user_for_session_token(session, cookie) is not None
        assert await service.user_for_api_token(session, token) is not None
        assert not session.dirty and not session.new and not session.deleted
