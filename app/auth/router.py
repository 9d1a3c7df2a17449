"""Login, logout, the current user, API tokens, and user administration."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request, Response, status

from app.auth import service, tokens
from app.auth.deps import SESSION_COOKIE, AdminUser, CurrentUser, refuse_cross_site
from app.auth.models import ApiToken, User
from app.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenPublic,
    LoginRequest,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.auth.throttle import LoginThrottle
from app.common.http_errors import error_response
from app.common.ids import Id
from app.config import Settings
from app.db import SessionDep, get_database

WRONG_CREDENTIALS = "Wrong username or password."

auth_router = APIRouter(prefix="/api/auth", tags=["auth"])
users_router = APIRouter(prefix="/api/users", tags=["users"])


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle | None = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = request.app.state.login_throttle = LoginThrottle()
    return throttle


def _delete_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


@auth_router.post(
    "/login",
    response_model=UserPublic,
    responses={401: error_response(WRONG_CREDENTIALS), 429: error_response("Throttled")},
)
async def login(data: LoginRequest, request: Request, response: Response) -> User:
    """Log in with a username and password; sets the ``cuedesk_session`` cookie.

    After 10 failed attempts for one username, or from one address, within 5 minutes, logins
    answer 429 with ``Retry-After`` (counted per server process)."""
    # A browser logging in from a foreign page would sign its user into someone else's
    # account; scripts send no Origin and are let through.
    refuse_cross_site(request, require_origin=False)
    settings = _settings(request)
    throttle = _throttle(request)
    user_key = "user:" + data.username.casefold()
    keys = [user_key]
    if request.client is not None:
        keys.append("ip:" + request.client.host)
    wait = throttle.retry_after(keys)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many failed logins; try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    stamp = throttle.begin(keys)
    # The password check takes tens of milliseconds; no session is open meanwhile, so on
    # SQLite the single writer stays free for ingest and triage (see app/auth/service.py).
    db = get_database(request)
    async with db.read_session() as session:
        candidate = await service.find_login_user(session, data.username)
    checked = await service.check_password(candidate, data.password)
    if checked is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, WRONG_CREDENTIALS)
    throttle.succeeded(keys, stamp, clear=[user_key])
    async with db.transaction() as session:
        if previous := request.cookies.get(SESSION_COOKIE):
            await service.revoke_session(session, previous)
        token = await service.start_session(session, checked, settings.session_max_age_seconds)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return checked.user


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, session: SessionDep) -> Response:
    """End this browser's session and clear its cookie; harmless without one."""
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        # Another site must not be able to log the desk out in the middle of a show.
        refuse_cross_site(request, require_origin=True)
        await service.revoke_session(session, token)
    _delete_session_cookie(response, _settings(request))
    return response


@auth_router.get("/me", response_model=UserPublic)
async def me(user: CurrentUser) -> User:
    return user


@auth_router.post("/tokens", status_code=status.HTTP_201_CREATED, response_model=ApiTokenCreated)
async def create_token(
    data: ApiTokenCreate, session: SessionDep, user: CurrentUser
) -> ApiTokenCreated:
    """A new API token for scripts. The secret is in this answer only: store it now."""
    row, token = await tokens.create_api_token(session, user, data.name)
    assert row.id is not None
    return ApiTokenCreated(id=row.id, name=row.name, created_at=row.created_at, token=token)


@auth_router.get("/tokens", response_model=list[ApiTokenPublic])
async def list_tokens(session: SessionDep, user: CurrentUser) -> Sequence[ApiToken]:
    """Your API tokens that still work (never their secrets)."""
    return await tokens.list_api_tokens(session, user)


@auth_router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(token_id: Id, session: SessionDep, user: CurrentUser) -> Response:
    """Revoke an API token: yours, or anyone's if you are an admin."""
    await tokens.revoke_api_token(session, user, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@users_router.get("", response_model=list[UserPublic])
async def list_users(session: SessionDep, _admin: AdminUser) -> list[User]:
    return await service.list_users(session)


@users_router.post("", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
async def create_user(data: UserCreate, session: SessionDep, _admin: AdminUser) -> User:
    return await service.create_user(
        session,
        username=data.username,
        password=data.password,
        role=data.role,
        display_name=data.display_name,
    )


@users_router.patch("/{user_id}", response_model=UserPublic)
async def update_user(
    user_id: Id, data: UserUpdate, session: SessionDep, _admin: AdminUser
) -> User:
    """Change a user's role, name, password or whether they may log in. Deactivating a
    user or setting a new password ends their browser sessions at once."""
    return await service.update_user(
        session,
        user_id,
        role=data.role,
        is_active=data.is_active,
        display_name=data.display_name,
        password=data.password,
    )


router = APIRouter()
router.include_router(auth_router)
router.include_router(users_router)
