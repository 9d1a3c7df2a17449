"""Accounts: users and roles, login sessions and API tokens.

Functions add and flush; they never commit. The caller's transaction (the request's session
dependency or ``Database.transaction()``) commits once. The ``user_for_*`` lookups run on
read-only sessions during GET requests, so they must not write anything.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from datetime import timedelta

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import ApiToken, Role, User, UserSession
from app.common.errors import Conflict, Invalid, NotFound
from app.common.time import as_utc, utcnow
from app.db import Database, database_of

logger = logging.getLogger(__name__)

API_TOKEN_PREFIX = "cdk_"
MIN_PASSWORD_LENGTH = 8
# Argon2 happily hashes megabytes; a bound keeps one request from burning a core.
MAX_PASSWORD_LENGTH = 1024
MAX_DISPLAY_NAME_LENGTH = 128
MAX_TOKEN_NAME_LENGTH = 100
# How exactly an API token's last use is kept: a token's list shows "last used" to this.
LAST_USED_PRECISION = timedelta(minutes=1)
_USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")

_hasher = PasswordHash((Argon2Hasher(),))


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- users ----------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession, username: str, password: str, role: str, display_name: str = ""
) -> User:
    if not _USERNAME.fullmatch(username):
        raise Invalid("The username must be 1 to 64 characters: letters, digits, '_', '.' or '-'.")
    checked_role = _check_role(role)
    _check_password(password)
    cleaned_name = _clean_display_name(display_name)
    # "Alice" and "alice" as two accounts invite mistakes at the desk; refuse the lookalike.
    taken = await session.scalar(
        select(col(User.username)).where(func.lower(col(User.username)) == username.lower())
    )
    if taken is not None:
        raise Conflict(f"The username {taken!r} is already taken.", username=taken)
    user = User(
        username=username,
        display_name=cleaned_name,
        password_hash=await _hash_password(password),
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
    browser sessions; API tokens stay, but stop working while the user is inactive."""
    user = await get_user_or_raise(session, user_id)
    new_role = _check_role(role) if role is not None else None
    if password is not None:
        _check_password(password)
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
    if new_role is not None:
        user.role = new_role.value
    if display_name is not None:
        user.display_name = _clean_display_name(display_name)
    end_sessions = False
    if is_active is not None:
        end_sessions = user.is_active and not is_active
        user.is_active = is_active
    if password is not None:
        user.password_hash = await _hash_password(password)
        end_sessions = True
    if end_sessions:
        await session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id))
    await session.flush()
    return user


async def authenticate(session: AsyncSession, username: str, password: str) -> User | None:
    """The active user with this username and password, or None.

    Takes about the same time whether or not the username exists, so response times do not
    reveal which accounts exist."""
    user = await session.scalar(select(User).where(col(User.username) == username))
    if user is None:
        await _verify_password(password, await asyncio.to_thread(_dummy_hash))
        return None
    valid, updated_hash = await _verify_password(password, user.password_hash)
    if not valid or not user.is_active:
        return None
    if updated_hash is not None:
        user.password_hash = updated_hash
        await session.flush()
    return user


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
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
        )
    )
    await session.flush()
    return token


async def revoke_session(session: AsyncSession, token: str) -> None:
    await session.execute(
        delete(UserSession).where(col(UserSession.token_hash) == _token_hash(token))
    )


async def user_for_session_token(session: AsyncSession, token: str) -> User | None:
    row = (
        await session.execute(
            select(User, col(UserSession.expires_at))
            .join(UserSession, col(UserSession.user_id) == col(User.id))
            .where(col(UserSession.token_hash) == _token_hash(token))
        )
    ).first()
    if row is None:
        return None
    user, expires_at = row
    if as_utc(expires_at) <= utcnow() or not user.is_active:
        return None
    return user


# --- API tokens -----------------------------------------------------------------------------


async def create_api_token(session: AsyncSession, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``: the row and the secret, which is shown only this once."""
    assert user.id is not None
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_TOKEN_NAME_LENGTH:
        raise Invalid(f"The token name must be 1 to {MAX_TOKEN_NAME_LENGTH} characters.")
    # The prefix lets secret scanners and people recognise a leaked Cuedesk token.
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=cleaned, token_hash=_token_hash(token), user_id=user.id)
    session.add(row)
    await session.flush()
    return row, token


async def list_api_tokens(session: AsyncSession, user: User) -> Sequence[ApiToken]:
    """The user's tokens that still work, oldest first."""
    result = await session.execute(
        select(ApiToken)
        .where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
        .order_by(col(ApiToken.id))
    )
    return result.scalars().all()


async def revoke_api_token(session: AsyncSession, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens (admins: anyone's). Revoking twice is harmless."""
    row = await session.get(ApiToken, token_id)
    # Someone else's token answers like a missing one, so ids reveal nothing.
    if row is None or (row.user_id != user.id and user.role != Role.admin):
        raise NotFound(f"API token {token_id} does not exist.", token_id=token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()


async def api_token_of(session: AsyncSession, token: str) -> tuple[User, ApiToken] | None:
    """The active user of a token that is not revoked, and the token's row; else None."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    found = (
        await session.execute(
            select(User, ApiToken)
            .join(ApiToken, col(ApiToken.user_id) == col(User.id))
            .where(
                col(ApiToken.token_hash) == _token_hash(token), col(ApiToken.revoked_at).is_(None)
            )
        )
    ).one_or_none()
    if found is None or not found[0].is_active:
        return None
    return found[0], found[1]


async def user_for_api_token(session: AsyncSession, token: str) -> User | None:
    found = await api_token_of(session, token)
    return None if found is None else found[0]


async def record_api_token_use(db: Database, session: AsyncSession, token: ApiToken) -> None:
    """Note when ``token`` was last used, to the minute (``LAST_USED_PRECISION``).

    At most one write a minute per token: on SQLite every write queues for the one writer,
    and a script polling with its token must not make every read it does a write.
    """
    now = utcnow()
    if token.last_used_at is not None and now - as_utc(token.last_used_at) < LAST_USED_PRECISION:
        return
    record = (
        update(ApiToken)
        .where(
            col(ApiToken.id) == token.id,
            or_(
                col(ApiToken.last_used_at).is_(None),
                col(ApiToken.last_used_at) <= now - LAST_USED_PRECISION,
            ),
        )
        .values(last_used_at=now)
    )
    if database_of(session) is not None:
        # A write request records it in its own transaction (which holds the writer).
        await session.execute(record)
    else:
        async with db.transaction() as write:
            await write.execute(record)
