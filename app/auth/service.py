"""Accounts: users and roles, passwords and login sessions (API tokens: app/auth/tokens.py).

Functions add and flush; they never commit. The caller's transaction (the request's session
dependency or ``Database.transaction()``) commits once. The ``user_for_*`` lookups run on
read-only sessions, so they must not write anything.

Argon2 is slow on purpose, and on SQLite a write transaction holds the one writer from its
first statement on. So no password is hashed or checked inside a transaction that has
already touched the database: a login checks the password with no session open
(:func:`find_login_user`, then :func:`check_password`, then :func:`start_session` in a short
write transaction), and creating a user or setting a password hashes before the first
statement.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import ApiToken, Role, User, UserSession
from app.common.errors import Conflict, Invalid, NotFound
from app.common.time import as_utc, utcnow
from app.db import database_of

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8
# Argon2 happily hashes megabytes; a bound keeps one request from burning a core.
MAX_PASSWORD_LENGTH = 1024
MAX_DISPLAY_NAME_LENGTH = 128
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")

_hasher = PasswordHash((Argon2Hasher(),))

# The after-commit signal (see Database.signals) that a login or token ended; the stream
# closes the sockets opened with it in every process (app/stream/access.py).
ACCESS_ENDED = "access_ended"
ANY_CREDENTIAL = "*"
ANY_SESSION = "session:*"


@dataclass(frozen=True, slots=True)
class Login:
    """Who is calling, and with what: ``session:<id>`` or ``api_token:<id>``."""

    user: User
    credential: str
    # For an API token, when it was last used (to the minute): whether to record this use.
    token_last_used_at: datetime | None = None


def access_ended(session: AsyncSession, user_id: int, ended: str) -> None:
    database = database_of(session)
    if database is not None:
        database.signal_after_commit(session, ACCESS_ENDED, {"user_id": user_id, "ended": ended})


# --- passwords ------------------------------------------------------------------------------
# Argon2 takes tens of milliseconds of CPU on purpose. argon2-cffi releases the GIL, so a
# worker thread keeps the event loop (and every live console on it) responsive during a login.


async def _hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    try:
        return await asyncio.to_thread(_hasher.verify_and_update, password, password_hash)
    except UnknownHashError:
        logger.error("stored password hash has an unknown format; the login is refused")
        return False, None


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


async def hash_new_password(password: str) -> str:
    """Check a new password's length and hash it. Slow: call it before the transaction's
    first statement."""
    _check_password(password)
    return await _hash_password(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise Invalid(f"Unknown role {role!r}; use one of: {allowed}.") from None


def _clean_display_name(display_name: str) -> str:
    cleaned = display_name.strip()
    if len(cleaned) > MAX_DISPLAY_NAME_LENGTH:
        raise Invalid(f"The display name must be at most {MAX_DISPLAY_NAME_LENGTH} characters.")
    return cleaned


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- users ----------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """A new account. Everything is checked and the password hashed before the first
    statement, so the caller's transaction holds no writer meanwhile."""
    if not _USERNAME.fullmatch(username):
        raise Invalid("The username must be 1 to 64 characters: letters, digits, '_', '.' or '-'.")
    checked_role = _check_role(role)
    cleaned_name = _clean_display_name(display_name)
    password_hash = await hash_new_password(password)
    # "Alice" and "alice" as two accounts invite mistakes at the desk; refuse the lookalike.
    taken = await session.scalar(
        select(col(User.username)).where(func.lower(col(User.username)) == username.lower())
    )
    if taken is not None:
        raise Conflict(f"The username {taken!r} is already taken.", username=taken)
    user = User(
        username=username,
        display_name=cleaned_name,
        password_hash=password_hash,
        role=checked_role.value,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # Two creations raced past the check above; the unique constraint decided.
        raise Conflict(f"The username {username!r} is already taken.", username=username) from None
    return user


async def get_user_or_raise(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"User {user_id} does not exist.", user_id=user_id)
    return user


async def list_users(session: AsyncSession) -> list[User]:
    result = await session.execute(select(User).order_by(col(User.id)))
    return list(result.scalars())


async def _count_other_active_admins(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(col(User.role) == Role.admin.value, col(User.is_active), col(User.id) != user_id)
    )
    return int(count or 0)


async def update_user(
    session: AsyncSession,
    user_id: int,
    role: str | None = None,
    is_active: bool | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    """Change only the given fields. A new password or a deactivation ends the user's
    browser sessions; API tokens stay, but stop working while the user is inactive.

    A new password is hashed before the first statement, as in :func:`create_user`."""
    new_role = _check_role(role) if role is not None else None
    new_hash = await hash_new_password(password) if password is not None else None
    user = await get_user_or_raise(session, user_id)
    loses_admin = (
        user.role == Role.admin
        and user.is_active
        and ((new_role is not None and new_role != Role.admin) or is_active is False)
    )
    if loses_admin and await _count_other_active_admins(session, user_id) == 0:
        raise Conflict(
            "This is the last active admin; make another user admin first, "
            "or nobody could manage users any more."
        )
    # What this change ends: a new password ends the browser sessions; a deactivation or a
    # new role (what the stream may show them) ends every open socket of the user.
    ended: str | None = None
    if new_role is not None:
        if new_role.value != user.role:
            ended = ANY_CREDENTIAL
        user.role = new_role.value
    if display_name is not None:
        user.display_name = _clean_display_name(display_name)
    end_sessions = False
    if is_active is not None:
        end_sessions = user.is_active and not is_active
        if end_sessions:
            ended = ANY_CREDENTIAL
        user.is_active = is_active
    if new_hash is not None:
        user.password_hash = new_hash
        end_sessions = True
        ended = ended or ANY_SESSION
    if end_sessions:
        await session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))
    if ended is not None:
        access_ended(session, user_id, ended)
    await session.flush()
    return user


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """A user whose password was just checked, and a stronger hash of it to store, if the
    stored one was made with weaker settings."""

    user: User
    upgraded_hash: str | None = None


async def find_login_user(session: AsyncSession, username: str) -> User | None:
    """The account logging in, detached from ``session`` so that the read session can end
    before :func:`check_password` runs."""
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is not None:
        session.expunge(user)
    return user


async def check_password(user: User | None, password: str) -> PasswordCheck | None:
    """The login, if ``user`` is active and ``password`` is theirs; else None.

    Runs with no session open. Takes about the same time whether or not the username
    exists (``user`` is None), so response times do not reveal which accounts exist."""
    if user is None:
        await _verify_password(password, await asyncio.to_thread(_dummy_hash))
        return None
    valid, upgraded_hash = await _verify_password(password, user.password_hash)
    if not valid or not user.is_active:
        return None
    return PasswordCheck(user, upgraded_hash)


async def start_session(session: AsyncSession, login: PasswordCheck, max_age_seconds: int) -> str:
    """Store the upgraded hash (unless the password changed meanwhile) and a new browser
    session; returns the cookie's token."""
    if login.upgraded_hash is not None:
        await session.execute(
            update(User)
            .where(
                col(User.id) == login.user.id,
                col(User.password_hash) == login.user.password_hash,
            )
            .values(password_hash=login.upgraded_hash)
        )
    return await create_session(session, login.user, max_age_seconds)


# --- browser sessions -----------------------------------------------------------------------


async def create_session(session: AsyncSession, user: User, max_age_seconds: int) -> str:
    """A new login for ``user``; returns the cookie's token. Only its hash is stored."""
    assert user.id is not None
    now = utcnow()
    # Logins are the natural moment to sweep this user's expired sessions.
    await session.execute(
        delete(UserSession).where(
            col(UserSession.user_id) == user.id, col(UserSession.expires_at) <= now
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
        )
    )
    await session.flush()
    return token


async def revoke_session(session: AsyncSession, token: str) -> None:
    result = await session.execute(
        delete(UserSession)
        .where(col(UserSession.token_hash) == token_hash(token))
        .returning(col(UserSession.id), col(UserSession.user_id))
    )
    for session_id, user_id in result.all():
        access_ended(session, user_id, f"session:{session_id}")


async def login_for_session_token(session: AsyncSession, token: str) -> Login | None:
    row = (
        await session.execute(
            select(User, col(UserSession.id), col(UserSession.expires_at))
            .join(UserSession, col(UserSession.user_id) == col(User.id))
            .where(col(UserSession.token_hash) == token_hash(token))
        )
    ).first()
    if row is None:
        return None
    user, session_id, expires_at = row
    if as_utc(expires_at) <= utcnow() or not user.is_active:
        return None
    return Login(user, f"session:{session_id}")


async def user_for_session_token(session: AsyncSession, token: str) -> User | None:
    login = await login_for_session_token(session, token)
    return login.user if login else None


async def login_for_credential(
    session: AsyncSession, user_id: int, credential: str
) -> Login | None:
    """The login of ``credential`` (``session:<id>``, ``api_token:<id>``) while it works."""
    kind, _, raw_id = credential.partition(":")
    if not raw_id.isdigit():
        return None
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    if kind == "session":
        expires_at = await session.scalar(
            select(col(UserSession.expires_at)).where(
                col(UserSession.id) == int(raw_id), col(UserSession.user_id) == user_id
            )
        )
        alive = expires_at is not None and as_utc(expires_at) > utcnow()
    elif kind == "api_token":
        alive = (
            await session.scalar(
                select(col(ApiToken.id)).where(
                    col(ApiToken.id) == int(raw_id),
                    col(ApiToken.user_id) == user_id,
                    col(ApiToken.revoked_at).is_(None),
                )
            )
            is not None
        )
    else:
        alive = False
    return Login(user, credential) if alive else None
