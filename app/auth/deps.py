"""Who is calling: the session cookie or an API token, and what their role allows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, status
from starlette.requests import HTTPConnection

from app.auth import service, tokens
from app.auth.models import Role, User
from app.db import get_database

SESSION_COOKIE = "cuedesk_session"

WRITER_ROLES = frozenset({Role.admin, Role.producer, Role.operator})
PRODUCER_ROLES = frozenset({Role.admin, Role.producer})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE_REFUSED = "Cross-site request refused."
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normalise_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case without a default port; None if unusable."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def request_origin_allowed(request: HTTPConnection) -> bool | None:
    """Whether the page that sent this request may act here: None when the request names no
    origin (no ``Origin``, no ``Referer``), else whether it is an allowed origin or our own."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return None
    origin = _normalise_origin(claimed)
    if origin is None:
        # Covers "Origin: null" from sandboxed frames and file:// pages.
        return False
    allowed: Iterable[str] = request.app.state.settings.allowed_origins
    trusted = {_normalise_origin(o) for o in allowed}
    host = request.headers.get("host")
    if host:
        # A websocket handshake arrives as ws:// or wss://; the page it came from is http(s).
        scheme = {"ws": "http", "wss": "https"}.get(request.url.scheme, request.url.scheme)
        trusted.add(_normalise_origin(f"{scheme}://{host}"))
    return origin in trusted


def refuse_cross_site(request: Request, *, require_origin: bool) -> None:
    allowed = request_origin_allowed(request)
    if allowed is False or (allowed is None and require_origin):
        raise HTTPException(status.HTTP_403_FORBIDDEN, CROSS_SITE_REFUSED)


async def current_user(request: Request) -> User:
    """The caller, looked up in one statement of its own: the request's write transaction
    (and on SQLite the single writer) starts only when the endpoint writes, so an endpoint
    may do slow work first, such as hashing a new password."""
    authorization = request.headers.get("authorization", "")
    login: service.Login | None = None
    async with get_database(request).single_read() as session:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED,
                    "Authorization must be 'Bearer <API token>'.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            login = await tokens.login_for_api_token(session, token.strip())
        elif cookie := request.cookies.get(SESSION_COOKIE):
            # Browsers attach the cookie to requests other sites trigger; SameSite=Lax covers
            # most of that, and checking where a state-changing request came from covers
            # the rest.
            if request.method not in SAFE_METHODS:
                refuse_cross_site(request, require_origin=True)
            login = await service.login_for_session_token(session, cookie)
        if login is not None:
            # Outlives this session: endpoints read its fields in sessions of their own.
            session.expunge(login.user)
    if login is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Log in first (POST /api/auth/login) or send an API token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await tokens.record_api_token_use(get_database(request), login)
    request.state.user = login.user
    # Which session or token it was: what a stream ticket is tied to.
    request.state.login = login
    return login.user


async def current_login(
    request: Request, _user: Annotated[User, Depends(current_user)]
) -> service.Login:
    login: service.Login = request.state.login
    return login


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
CurrentLogin = Annotated[service.Login, Depends(current_login)]
