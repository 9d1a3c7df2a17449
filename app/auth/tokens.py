"""API tokens: for scripts and integrations, ``Authorization: Bearer cdk_…``.

Like the rest of the auth service, functions add and flush and never commit; the lookups
run on read-only sessions. A token is stored only as its SHA-256 hash.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.auth.models import ApiToken, Role, User
from app.auth.service import Login, access_ended, token_hash
from app.common.errors import Invalid, NotFound
from app.common.time import as_utc, utcnow
from app.db import Database

API_TOKEN_PREFIX = "cdk_"
MAX_TOKEN_NAME_LENGTH = 100
# How exactly an API token's last use is kept: a token's list shows "last used" to this.
LAST_USED_PRECISION = timedelta(minutes=1)


async def create_api_token(session: AsyncSession, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``: the row and the secret, which is shown only this once."""
    assert user.id is not None
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_TOKEN_NAME_LENGTH:
        raise Invalid(f"The token name must be 1 to {MAX_TOKEN_NAME_LENGTH} characters.")
    # The prefix lets secret scanners and people recognise a leaked Cuedesk token.
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=cleaned, token_hash=token_hash(token), user_id=user.id)
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
        access_ended(session, row.user_id, f"api_token:{token_id}")
        await session.flush()


# Built once: every API call runs it, and building it costs as much as running it.
_LOGIN_BY_TOKEN_HASH = (
    select(User, col(ApiToken.id), col(ApiToken.last_used_at))
    .join(ApiToken, col(ApiToken.user_id) == col(User.id))
    .where(col(ApiToken.token_hash) == bindparam("token_hash"), col(ApiToken.revoked_at).is_(None))
)


async def login_for_api_token(session: AsyncSession, token: str) -> Login | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = (await session.execute(_LOGIN_BY_TOKEN_HASH, {"token_hash": token_hash(token)})).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    if not user.is_active:
        return None
    return Login(user, f"api_token:{token_id}", token_last_used_at=last_used_at)


async def user_for_api_token(session: AsyncSession, token: str) -> User | None:
    login = await login_for_api_token(session, token)
    return login.user if login else None


async def record_api_token_use(db: Database, login: Login) -> None:
    """Note when the API token of ``login`` was last used, to the minute
    (``LAST_USED_PRECISION``); nothing for a browser session.

    The caller is looked up in a read session, so this writes in a short transaction of its
    own, and at most once a minute per token: on SQLite every write queues for the one
    writer, and a script polling with its token must not make every read it does a write.
    """
    kind, _, raw_id = login.credential.partition(":")
    if kind != "api_token":
        return
    now = utcnow()
    last = login.token_last_used_at
    if last is not None and now - as_utc(last) < LAST_USED_PRECISION:
        return
    async with db.transaction() as session:
        # Conditional: of requests racing at the minute's turn, one writes.
        await session.execute(
            update(ApiToken)
            .where(
                col(ApiToken.id) == int(raw_id),
                or_(
                    col(ApiToken.last_used_at).is_(None),
                    col(ApiToken.last_used_at) <= now - LAST_USED_PRECISION,
                ),
            )
            .values(last_used_at=now)
        )
