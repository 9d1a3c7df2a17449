"""One console's socket: the journal from where it left off, then the live tail.

A writer task sends; a reader task takes the console's few messages (heartbeat, what it is
looking at). The writer follows a cursor: the seq of the last entry sent. Frames come from
the hub's memory when it still holds what follows the cursor, else from the journal, so
the console gets every entry once, in order, whatever it reconnects from.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from app.journal import service as journal
from app.journal.visibility import audience_of, for_audience
from app.ops import metrics
from app.stream.hub import EventHub
from app.stream.ring import encode_entry, entries_frame

logger = logging.getLogger(__name__)

# Close codes a console acts on (documented in docs/stream.md).
CLOSE_POLICY = 1008
CLOSE_IDLE = 4000
CLOSE_TOO_SLOW = 4008
# How long a close frame may wait behind unsent data before the socket is simply dropped.
CLOSE_GRACE_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class StreamLimits:
    replay_limit: int
    max_lag: int
    max_frame_entries: int
    send_timeout: float
    heartbeat: float
    idle_timeout: float
    max_message_bytes: int
    messages_per_second: float
    message_burst: int


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    username: str
    display_name: str
    role: str
    user_id: int
    # The login the socket was opened with (``session:<id>``, ``api_token:<id>``).
    credential: str


@dataclass(frozen=True, slots=True)
class Resume:
    """Where the console asks to start: after ``after_seq`` (None: the live end) of the
    history named ``epoch`` (None: whatever history the server has)."""

    after_seq: int | None
    epoch: str | None


class ConsoleClosed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Connection:
    def __init__(
        self,
        websocket: WebSocket,
        hub: EventHub,
        user: ConsoleUser,
        limits: StreamLimits,
        resume: Resume,
        epoch: str,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self._ws = websocket
        self._hub = hub
        self._user = user
        self._audience = audience_of(user.role)
        self._limits = limits
        self._resume = resume
        # The epoch of the history this server holds for the event.
        self._epoch = epoch
        self.wake = asyncio.Event()
        self._outbox: deque[str] = deque()
        self._last_heard = self._last_sent = time.monotonic()
        self._sending_since: float | None = None
        self._ping_due = False
        # Set by the hub's watchdog: why this console must be closed.
        self._verdict: ConsoleClosed | None = None
        self._writer: asyncio.Task[None] | None = None
        self._tokens = float(limits.message_burst)
        self._tokens_at = time.monotonic()
        self._viewing: str | None = None
        # Typing a reply on what it views.
        self._typing = False

    async def run(self) -> None:
        self._hub.watch(self)
        self._publish_presence()
        self._writer = asyncio.create_task(self._write_loop(), name=f"ws-write-{self.id}")
        tasks = [self._writer, asyncio.create_task(self._read_loop(), name=f"ws-read-{self.id}")]
        close: ConsoleClosed | None = None
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.cancelled():  # the watchdog stopped a send that never drained
                    close = self._verdict
                    continue
                error = task.exception()
                if isinstance(error, ConsoleClosed):
                    close = error
                elif error is not None and not isinstance(error, WebSocketDisconnect):
                    logger.error("console socket %s failed", self.id, exc_info=error)
                    close = ConsoleClosed(1011, "internal error")
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            self._hub.unwatch(self)
            self._hub.presence.remove(self.id)
        if close is not None and self._ws.client_state == WebSocketState.CONNECTED:
            # The close frame waits behind unsent data; a console that reads nothing must
            # not hold this task for ever, so after a grace period the server drops it.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_GRACE_SECONDS):
                    await self._ws.close(code=close.code, reason=close.reason)

    def _publish_presence(self) -> None:
        self._hub.presence.set(
            self.id,
            {
                "username": self._user.username,
                "display_name": self._user.display_name,
                "role": self._user.role,
                "viewing": self._viewing,
                "typing": self._viewing if self._typing else None,
            },
        )

    # -- sending ---------------------------------------------------------------------------

    async def _send(self, frame: str) -> None:
        # No timer per send: the hub's watchdog looks at _sending_since and stops a send
        # that has not drained within the send timeout (see inspect).
        self._sending_since = time.monotonic()
        try:
            await self._ws.send_text(frame)
        except RuntimeError as exc:
            # The server side already closed the socket (uvicorn's keepalive gave up on it).
            raise WebSocketDisconnect(1006) from exc
        finally:
            self._sending_since = None
        self._last_sent = time.monotonic()
        metrics.STREAM_FRAMES_SENT.inc()

    def inspect(self, now: float) -> None:
        """Called by the hub's watchdog a few times a second."""
        limits = self._limits
        sending_since = self._sending_since
        if sending_since is not None and now - sending_since > limits.send_timeout:
            self._verdict = ConsoleClosed(CLOSE_TOO_SLOW, "console too slow; reconnect to resume")
            if self._writer is not None:
                self._writer.cancel()
        elif now - self._last_heard > limits.idle_timeout:
            self._verdict = ConsoleClosed(CLOSE_IDLE, "no heartbeat from the console")
            self.wake.set()
        elif sending_since is None and now - self._last_sent > limits.heartbeat:
            self._ping_due = True
            self.wake.set()

    def end(self, code: int, reason: str) -> None:
        """Close this socket from outside (its login ended), even mid-send."""
        self._verdict = ConsoleClosed(code, reason)
        self.wake.set()
        if self._sending_since is not None and self._writer is not None:
            self._writer.cancel()

    async def _reset(self, reason: str, to_seq: int) -> None:
        await self._send(
            orjson.dumps(
                {"type": "reset", "reason": reason, "last_seq": to_seq, "epoch": self._epoch}
            ).decode()
        )

    async def _write_loop(self) -> None:
        hub = self._hub
        after_seq = self._resume.after_seq
        cursor = after_seq if after_seq is not None else hub.visible_seq
        await self._send(
            orjson.dumps(
                {
                    "type": "hello",
                    "connection_id": self.id,
                    "event_id": hub.event_id,
                    "last_seq": hub.visible_seq,
                    "epoch": self._epoch,
                    "replay_limit": self._limits.replay_limit,
                }
            ).decode()
        )
        if self._resume.epoch is not None and self._resume.epoch != self._epoch:
            # Its seqs number another history (the database was reset or restored).
            cursor = hub.visible_seq
            await self._reset("another history (epoch changed)", cursor)
        elif cursor > hub.received_seq:
            # Ahead of the journal: the console saw another database (a reset demo, say).
            cursor = hub.visible_seq
            await self._reset("unknown position", cursor)
        elif hub.visible_seq - cursor > self._limits.replay_limit:
            cursor = hub.visible_seq
            await self._reset("too far behind to replay", cursor)
        presence_sent = -1
        while True:
            self.wake.clear()
            if self._verdict is not None:
                raise self._verdict
            if self._ping_due:
                self._ping_due = False
                await self._send('{"type":"ping"}')
            if hub.presence.version != presence_sent:
                presence_sent = hub.presence.version
                await self._send(hub.presence.frame)
            while self._outbox:
                await self._send(self._outbox.popleft())
            if cursor < hub.visible_seq:
                if hub.visible_seq - cursor > self._limits.max_lag:
                    cursor = hub.visible_seq
                    await self._reset("fell behind the live stream", cursor)
                    continue
                frame = hub.frame_after(cursor, self._audience) or await self._frame_from_journal(
                    cursor
                )
                if frame is not None:
                    await self._send(frame[0])
                    metrics.STREAM_ENTRIES_SENT.inc(frame[1] - cursor)
                    cursor = frame[1]
                    continue
            await self.wake.wait()

    async def _frame_from_journal(self, cursor: int) -> tuple[str, int] | None:
        async with self._hub.db.read_session() as session:
            rows = await journal.read(
                session,
                self._hub.event_id,
                after_seq=cursor,
                limit=min(self._limits.max_frame_entries, self._hub.visible_seq - cursor),
            )
        if not rows:
            return None
        shown = for_audience(rows, self._audience)
        return entries_frame(encode_entry(row) for row in shown), rows[-1]["seq"]

    # -- receiving -------------------------------------------------------------------------

    def _reply(self, message: dict[str, Any]) -> None:
        if len(self._outbox) >= 32:
            raise ConsoleClosed(CLOSE_POLICY, "too many messages")
        self._outbox.append(orjson.dumps(message).decode())
        self.wake.set()

    def _take_token(self) -> bool:
        now = time.monotonic()
        rate, burst = self._limits.messages_per_second, self._limits.message_burst
        self._tokens = min(float(burst), self._tokens + (now - self._tokens_at) * rate)
        self._tokens_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    async def _read_loop(self) -> None:
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            self._last_heard = time.monotonic()
            if not self._take_token():
                raise ConsoleClosed(CLOSE_POLICY, "too many messages; slow down")
            text = message.get("text")
            if text is None:
                self._reply({"type": "error", "message": "send JSON text frames"})
                continue
            if len(text) > self._limits.max_message_bytes:
                self._reply(
                    {
                        "type": "error",
                        "message": f"message too large (at most "
                        f"{self._limits.max_message_bytes} bytes)",
                    }
                )
                continue
            self._handle(text)

    def _handle(self, text: str) -> None:
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            self._reply({"type": "error", "message": "not valid JSON"})
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            self._reply({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "view":
            viewing = message.get("viewing")
            if viewing is not None and (not isinstance(viewing, str) or len(viewing) > 100):
                self._reply(
                    {"type": "error", "message": "viewing must be a string of at most 100 chars"}
                )
                return
            typing = message.get("typing", False)
            if not isinstance(typing, bool):
                self._reply({"type": "error", "message": "typing must be true or false"})
                return
            self._viewing = viewing or None
            self._typing = typing and self._viewing is not None
            self._publish_presence()
        else:
            self._reply(
                {
                    "type": "error",
                    "message": "unknown message; expected a JSON object with type "
                    "'ping' or 'view' (actions go through the HTTP API)",
                }
            )
