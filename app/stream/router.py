"""``WS /ws/events/{id}?after_seq=N``: the journal's tail and presence, to every console."""

from __future__ import annotations

import logging

from fastapi import APIRouter, WebSocket

from app.auth import service as auth
from app.auth.deps import SESSION_COOKIE, request_origin_allowed
from app.auth.models import User
from app.broker import Broker
from app.common.ids import MAX_ID, fits_an_id
from app.config import Settings
from app.db import Database
from app.events.models import Event
from app.stream.connection import CLOSE_POLICY, Connection, ConsoleUser, StreamLimits
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


async def _socket_user(websocket: WebSocket) -> ConsoleUser | None:
    """The cookie, or an API token as ``Authorization: Bearer`` or ``?token=`` (scripts)."""
    authorization = websocket.headers.get("authorization", "")
    token = websocket.query_params.get("token")
    if authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
    cookie = websocket.cookies.get(SESSION_COOKIE)
    async with websocket.app.state.db.read_session() as session:
        user: User | None = None
        if token:
            user = await auth.user_for_api_token(session, token)
        elif cookie:
            user = await auth.user_for_session_token(session, cookie)
        if user is None:
            return None
        return ConsoleUser(user.username, user.display_name or user.username, user.role)


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
    raw_after = websocket.query_params.get("after_seq")
    after_seq: int | None = None
    if raw_after is not None:
        # isdigit() alone lets "²" through, which int() refuses.
        if not (raw_after.isascii() and raw_after.isdigit()) or int(raw_after) > MAX_ID:
            await websocket.close(
                CLOSE_BAD_REQUEST, f"after_seq must be a whole number from 0 to {MAX_ID}"
            )
            return
        after_seq = int(raw_after)
    async with websocket.app.state.db.read_session() as session:
        if not fits_an_id(event_id) or await session.get(Event, event_id) is None:
            await websocket.close(CLOSE_NOT_FOUND, f"event {event_id} does not exist")
            return
    registry: HubRegistry = websocket.app.state.hubs
    async with registry.attach(event_id) as hub:
        await Connection(
            websocket, hub, user, stream_limits(websocket.app.state.settings), after_seq
        ).run()
