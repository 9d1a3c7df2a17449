"""Accounts behaviour that the HTTP API cannot show directly."""

from __future__ import annotations

import time

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

from app.auth import service, tokens
from app.common.errors import Conflict, Invalid
from app.db import Database
from tests.conftest import PASSWORD, make_user


async def _login(db: Database, username: str, password: str) -> service.Login | None:
    async with db.read_session() as session:
        user = await service.find_login_user(session, username)
    return await service.check_password(user, password)


async def _cpu_seconds_of(db: Database, username: str, password: str) -> float:
    """The process's CPU time (every thread's, Argon2's worker included) spent on a login."""
    before = time.process_time()
    assert await _login(db, username, password) is None
    return time.process_time() - before


async def test_an_unknown_username_still_costs_a_password_check(db: Database) -> None:
    await make_user(db, "alice")
    await _login(db, "alice", PASSWORD)  # the first check pays for warming up
    # CPU time, not the clock: other work on a busy machine does not count against it.
    wrong_password = min([await _cpu_seconds_of(db, "alice", "wrong password") for _ in range(3)])
    unknown_user = min([await _cpu_seconds_of(db, "nobody", PASSWORD) for _ in range(3)])
    assert unknown_user > wrong_password / 2, (unknown_user, wrong_password)


async def test_an_outdated_hash_is_upgraded_at_login(db: Database) -> None:
    user = await make_user(db, "alice")
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with db.transaction() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        stored.password_hash = weak
    login = await _login(db, "alice", PASSWORD)
    assert login is not None and login.upgraded_hash is not None
    async with db.transaction() as session:
        await service.start_session(session, login, max_age_seconds=60)
    async with db.read_session() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        assert stored.password_hash != weak
        assert stored.password_hash.startswith("$argon2id$")
    again = await _login(db, "alice", PASSWORD)
    assert again is not None and again.upgraded_hash is None


async def test_an_upgrade_does_not_undo_a_password_changed_meanwhile(db: Database) -> None:
    user = await make_user(db, "alice")
    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    async with db.transaction() as session:
        stored = await session.get(type(user), user.id)
        assert stored is not None
        stored.password_hash = weak
    login = await _login(db, "alice", PASSWORD)
    assert login is not None and user.id is not None
    async with db.transaction() as session:
        await service.update_user(session, user.id, password="a brand new password")
    async with db.transaction() as session:
        await service.start_session(session, login, max_age_seconds=60)
    assert await _login(db, "alice", PASSWORD) is None
    assert await _login(db, "alice", "a brand new password") is not None


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
        _row, token = await tokens.create_api_token(session, user, "bot")
    async with db.read_session() as session:
        assert await service.user_for_session_token(session, cookie) is not None
        assert await tokens.user_for_api_token(session, token) is not None
        assert not session.dirty and not session.new and not session.deleted
