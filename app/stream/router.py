"""``WS /ws/events/{id}?after_seq=N&epoch=E``: the journal's tail and presence, to every
console; and the tickets that open one without a lasting secret in the URL."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, WebSocket, status

from app.auth import service as auth
from app.auth import tokens
from app.auth.deps import SESSION_COOKIE, CurrentLogin, request_origin_allowed
from app.auth.service import Login
from app.broker import Broker
from app.common.ids import MAX_ID, fits_an_id
from app.common.time import isoformat_z
from app.config import Settings
from app.db import Database, SessionDep
from app.events.models import Event
from app.stream import tickets
from app.stream.access import ACCESS_ENDED_REASON, CLOSE_ACCESS_ENDED, AccessGuard
from app.stream.connection import CLOSE_POLICY, Connection, ConsoleUser, Resume, StreamLimits
from app.stream.hub import HubRegistry

logger = logging.getLogger(__name__)

router = APIRouter(tags=["stream"])

CLOSE_BAD_REQUEST = 4400
CLOSE_NOT_FOUND = 4404


def stream_limits(settings: Settings) -> StreamLimits:
    return StreamLimits(
        replay_limit=settings.stream_replay_limit,
        max_lag=settings.stream_replay_limit,
        max_frame_entries=settings.stream_max_frame_entries,
        send_timeout=settings.stream_send_timeout_seconds,
        heartbeat=settings.stream_heartbeat_seconds,
        idle_timeout=settings.stream_idle_timeout_seconds,
        max_message_bytes=settings.stream_max_message_bytes,
        messages_per_second=settings.stream_messages_per_second,
        message_burst=settings.stream_message_burst,
    )


def hub_registry(settings: Settings, db: Database, broker: Broker) -> HubRegistry:
    return HubRegistry(
        db,
        broker,
        ring_size=settings.stream_ring_size,
        tick_seconds=settings.stream_tick_ms / 1000,
        poll_seconds=settings.stream_poll_seconds,
        max_frame_entries=settings.stream_max_frame_entries,
    )


def _console_user(login: Login | None) -> ConsoleUser | None:
    # Read while the session is open: a read session expires its objects when it ends.
    if login is None:
        return None
    user = login.user
    assert user.id is not None
    return ConsoleUser(
        user.username, user.display_name or user.username, user.role, user.id, login.credential
    )


async def _socket_user(websocket: WebSocket) -> ConsoleUser | None:
    """``Authorization: Bearer`` (scripts), a ``?ticket=`` from POST /api/stream/tickets,
    or the session cookie (the console)."""
    db: Database = websocket.app.state.db
    authorization = websocket.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        async with db.read_session() as session:
            login = await tokens.login_for_api_token(session, authorization[7:].strip())
            user = _console_user(login)
        if login is not None:
            await tokens.record_api_token_use(db, login)
        return user
    if ticket := websocket.query_params.get("ticket"):
        async with db.transaction() as session:
            return _console_user(await tickets.redeem(session, ticket))
    if cookie := websocket.cookies.get(SESSION_COOKIE):
        async with db.read_session() as session:
            return _console_user(await auth.login_for_session_token(session, cookie))
    return None


async def _login_still_works(db: Database, user: ConsoleUser) -> bool:
    return await login_role(db, user.user_id, user.credential) == user.role


async def login_role(db: Database, user_id: int, credential: str) -> str | None:
    """The role of a login while it works; None once it ended (the access guard's check)."""
    async with db.read_session() as session:
        login = await auth.login_for_credential(session, user_id, credential)
        return None if login is None else str(login.user.role)


def _resume(websocket: WebSocket) -> Resume | str:
    """Where the console resumes, or what is wrong with the URL."""
    raw_after = websocket.query_params.get("after_seq")
    # isdigit() alone lets "²" through, which int() refuses.
    if raw_after is not None and (
        not (raw_after.isascii() and raw_after.isdigit()) or int(raw_after) > MAX_ID
    ):
        return f"after_seq must be a whole number from 0 to {MAX_ID}"
    epoch = websocket.query_params.get("epoch")
    if epoch is not None and not 0 < len(epoch) <= 32:
        return "epoch must be the epoch of a hello frame"
    return Resume(int(raw_after) if raw_after is not None else None, epoch)


@router.post("/api/stream/tickets", status_code=status.HTTP_201_CREATED)
async def create_ticket(session: SessionDep, login: CurrentLogin) -> dict[str, Any]:
    """A single-use ticket to open one socket as ``?ticket=…`` within 30 seconds, where a
    client cannot send the cookie or an ``Authorization`` header."""
    ticket, expires_at = await tickets.issue(session, login)
    return {"ticket": ticket, "expires_at": isoformat_z(expires_at)}


@router.websocket("/ws/events/{event_id}")
async def event_stream(websocket: WebSocket, event_id: int) -> None:
    # Refusing before accept() answers the handshake with HTTP 403.
    if request_origin_allowed(websocket) is False:
        logger.info("refused a stream handshake from origin %s", websocket.headers.get("origin"))
        await websocket.close(code=CLOSE_POLICY)
        return
    user = await _socket_user(websocket)
    if user is None:
        await websocket.close(code=CLOSE_POLICY)
        return
    await websocket.accept()
    resume = _resume(websocket)
    if isinstance(resume, str):
        await websocket.close(CLOSE_BAD_REQUEST, resume)
        return
    db: Database = websocket.app.state.db
    async with db.read_session() as session:
        event = await session.get(Event, event_id) if fits_an_id(event_id) else None
        if event is None:
            await websocket.close(CLOSE_NOT_FOUND, f"event {event_id} does not exist")
            return
        epoch = event.journal_epoch
    registry: HubRegistry = websocket.app.state.hubs
    guard: AccessGuard = websocket.app.state.access
    async with registry.attach(event_id) as hub:
        limits = stream_limits(websocket.app.state.settings)
        connection = Connection(websocket, hub, user, limits, resume, epoch)
        with guard.track(user.user_id, user.credential, user.role, connection):
            # A login that ended after the handshake read it, but before the socket was
            # tracked, was announced to nobody who could close it: look once more.
            if not await _login_still_works(db, user):
                await websocket.close(CLOSE_ACCESS_ENDED, ACCESS_ENDED_REASON)
                return
            await connection.run()
