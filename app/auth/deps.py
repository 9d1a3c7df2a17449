"""Who is calling: the session cookie or an API token, and what their role allows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from app.auth import service
from app.auth.models import Role, User
from app.db import SessionDep

SESSION_COOKIE = "cuedesk_session"

WRITER_ROLES = frozenset({Role.admin, Role.producer, Role.operator})
PRODUCER_ROLES = frozenset({Role.admin, Role.producer})


async def current_user(request: Request, session: SessionDep) -> User:
    authorization = request.headers.get("authorization", "")
    user: User | None = None
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "Authorization must be 'Bearer <API token>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        user = await service.user_for_api_token(session, token.strip())
    elif cookie := request.cookies.get(SESSION_COOKIE):
        user = await service.user_for_session_token(session, cookie)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Log in first (POST /api/auth/login) or send an API token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.user = user
    return user


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    allowed = frozenset(roles)

    async def check(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"Your role ({user.role}) cannot do this; it needs one of: "
                + ", ".join(sorted(allowed))
                + ".",
            )
        return user

    return check


CurrentUser = Annotated[User, Depends(current_user)]
WriterUser = Annotated[User, Depends(require_roles(*WRITER_ROLES))]
ProducerUser = Annotated[User, Depends(require_roles(*PRODUCER_ROLES))]
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]
