"""Who is connected to an event and what each one is looking at, across server processes.

Each process publishes a snapshot of its own connections on the event's presence channel
whenever they change and every few seconds; every process merges the snapshots it hears and
forgets a process that has been silent too long (it crashed). The merged view is what the
consoles are sent as ``{"type": "presence", ...}``. A process's own snapshot goes into its
view directly, not through the broker, so while the broker is out each process still shows
its own people; the others come back when it does.

Who is editing which draft is told over HTTP (``POST /api/drafts/{id}/editing``, a
heartbeat), not over the socket, and may reach a process without a console of the event.
Each such mark therefore travels as a snapshot of its own, under a name of its own
(:func:`editing_snapshot_name`), holding one entry with ``editing`` (a draft id) and no
socket: it expires like a silent process unless the heartbeat repeats it, and an empty one
ends it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson

from app.broker import Broker, BrokerUnavailable
from app.common.backoff import Backoff

logger = logging.getLogger(__name__)

REPUBLISH_SECONDS = 5.0
EXPIRE_SECONDS = 15.0
DEBOUNCE_SECONDS = 0.05


class PresenceBoard:
    def __init__(
        self, event_id: int, broker: Broker, process_id: str, on_change: Callable[[], None]
    ) -> None:
        self.event_id = event_id
        self._broker = broker
        self._process_id = process_id
        self._on_change = on_change
        self._channel = f"presence:{event_id}"
        self._local: dict[str, dict[str, Any]] = {}
        self._snapshots: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self._publish_soon = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.version = 0
        self.frame = '{"type":"presence","users":[]}'

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(), name=f"presence-{self.event_id}"),
            asyncio.create_task(self._publisher(), name=f"presence-pub-{self.event_id}"),
        ]

    async def stop(self) -> None:
        self._local.clear()
        self._publish()  # tell the other processes our people left
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def set(self, connection_id: str, info: dict[str, Any]) -> None:
        self._local[connection_id] = info
        self._publish_soon.set()

    def remove(self, connection_id: str) -> None:
        if self._local.pop(connection_id, None) is not None:
            self._publish_soon.set()

    def take_editing(self, name: str, entries: list[dict[str, Any]]) -> None:
        """An editing mark made in this process: into the view directly, as our own
        snapshot is (the broker carries it to the others)."""
        self._remember(name, entries)

    def _publish(self) -> None:
        connections = list(self._local.values())
        self._broker.offer(self._channel, {"process": self._process_id, "connections": connections})
        self._remember(self._process_id, connections)

    async def _publisher(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that arrives as the event is set, and the task never stops.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(REPUBLISH_SECONDS):
                    await self._publish_soon.wait()
                await asyncio.sleep(DEBOUNCE_SECONDS)  # one message for a burst of changes
            self._publish_soon.clear()
            self._publish()
            self._expire()

    async def _listen(self) -> None:
        backoff = Backoff()
        while True:
            try:
                async with self._broker.subscribe(self._channel) as queue:
                    backoff.reset()
                    self._publish_soon.set()  # whoever missed us while we were away
                    while True:
                        self._take(await queue.get())
            except BrokerUnavailable as exc:
                logger.info("event %s: presence not subscribed yet (%s)", self.event_id, exc)
            except Exception:
                logger.exception("event %s: presence subscription failed", self.event_id)
            await asyncio.sleep(backoff.next_delay())

    def _take(self, message: Any) -> None:
        try:
            process = str(message["process"])
            connections = list(message["connections"])
        except (KeyError, TypeError):
            logger.warning("event %s: ignoring a malformed presence message", self.event_id)
            return
        if process != self._process_id:  # our own went in directly, and may be newer
            self._remember(process, connections)

    def _remember(self, process: str, connections: list[dict[str, Any]]) -> None:
        if connections:
            self._snapshots[process] = (time.monotonic() + EXPIRE_SECONDS, connections)
        else:
            self._snapshots.pop(process, None)
        self._rebuild()

    def _expire(self) -> None:
        now = time.monotonic()
        expired = [p for p, (until, _c) in self._snapshots.items() if until < now]
        for process in expired:
            del self._snapshots[process]
        if expired:
            self._rebuild()

    def users(self) -> list[dict[str, Any]]:
        by_user: dict[str, dict[str, Any]] = {}
        for _until, connections in self._snapshots.values():
            for connection in connections:
                user = by_user.setdefault(
                    connection["username"],
                    {
                        "username": connection["username"],
                        "display_name": connection.get("display_name") or connection["username"],
                        "role": connection.get("role"),
                        "connections": 0,
                        "viewing": set(),
                        "typing": set(),
                        "editing": set(),
                    },
                )
                if connection.get("editing") is not None:
                    # An editing mark (told over HTTP) is not a socket.
                    user["editing"].add(connection["editing"])
                    continue
                user["connections"] += 1
                if connection.get("viewing"):
                    user["viewing"].add(connection["viewing"])
                if connection.get("typing"):
                    user["typing"].add(connection["typing"])
        users = sorted(
            by_user.values(), key=lambda u: (u["display_name"].casefold(), u["username"])
        )
        for user in users:
            user["viewing"] = sorted(user["viewing"])
            user["typing"] = sorted(user["typing"])
            user["editing"] = sorted(user["editing"])
        return users

    def _rebuild(self) -> None:
        frame = orjson.dumps({"type": "presence", "users": self.users()}).decode()
        if frame != self.frame:
            self.frame = frame
            self.version += 1
            self._on_change()


def editing_snapshot_name(process_id: str, username: str, draft_id: int) -> str:
    """The snapshot name of one person's mark on one draft, made in one process."""
    return f"{process_id}/editing/{draft_id}/{username}"
