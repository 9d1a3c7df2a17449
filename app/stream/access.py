"""Closing the sockets of a login that ended, in every process.

When a user logs out, is deactivated, changes password or role, or loses an API token, the
auth service signals it after the commit (``Database.signals``); the signal goes out on the
broker, and every process closes the sockets it holds that were opened with that login,
with 4401. Nothing is polled: a socket keeps no credential check of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any, Protocol

from app.auth.service import ANY_CREDENTIAL
from app.broker import Broker, BrokerUnavailable
from app.common.backoff import Backoff

logger = logging.getLogger(__name__)

CHANNEL = "access"
# How long start-up waits for the subscription: a broker that is out must not keep the
# process from serving (its own sockets are closed directly; others' once it is back).
SUBSCRIBE_WAIT_SECONDS = 5.0
CLOSE_ACCESS_ENDED = 4401
ACCESS_ENDED_REASON = "your login ended; log in again"


class Closable(Protocol):
    def end(self, code: int, reason: str) -> None: ...


def ends(ended: str, credential: str) -> bool:
    """Whether ``ended`` (``*``, ``session:*``, ``session:12``, ``api_token:3``) covers the
    ``credential`` a socket was opened with."""
    if ended in (ANY_CREDENTIAL, credential):
        return True
    return ended.endswith(":*") and credential.startswith(ended[:-1])


class AccessGuard:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._sockets: dict[int, dict[Closable, str]] = {}
        self._task: asyncio.Task[None] | None = None

    def announce(self, message: dict[str, Any]) -> None:
        """Close this process's sockets of the ended login at once, and tell the others
        (closing a socket twice, when our own message comes back, is harmless)."""
        self.close_ended(message)
        self._broker.offer(CHANNEL, message)

    async def start(self) -> None:
        subscribed = asyncio.Event()
        self._task = asyncio.create_task(self._listen(subscribed), name="stream-access")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
                await subscribed.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @contextlib.contextmanager
    def track(self, user_id: int, credential: str, socket: Closable) -> Iterator[None]:
        sockets = self._sockets.setdefault(user_id, {})
        sockets[socket] = credential
        try:
            yield
        finally:
            sockets.pop(socket, None)
            if not sockets:
                self._sockets.pop(user_id, None)

    def close_ended(self, message: dict[str, Any]) -> int:
        """Close the sockets ``message`` ends; answers how many."""
        user_id, ended = message.get("user_id"), message.get("ended")
        if not isinstance(user_id, int) or not isinstance(ended, str):
            logger.warning("ignored a malformed access message: %r", message)
            return 0
        closing = [
            socket
            for socket, credential in self._sockets.get(user_id, {}).items()
            if ends(ended, credential)
        ]
        for socket in closing:
            socket.end(CLOSE_ACCESS_ENDED, ACCESS_ENDED_REASON)
        return len(closing)

    async def _listen(self, subscribed: asyncio.Event) -> None:
        backoff = Backoff()
        while True:
            try:
                async with self._broker.subscribe(CHANNEL) as queue:
                    subscribed.set()
                    backoff.reset()
                    while True:
                        self._take(await queue.get())
            except BrokerUnavailable as exc:
                logger.info("ended logins: not subscribed yet (%s)", exc)
            except Exception:
                logger.exception("ended logins: the subscription failed")
            await asyncio.sleep(backoff.next_delay())

    def _take(self, message: Any) -> None:
        try:
            self.close_ended(message)
        except Exception:
            logger.exception("could not close the sockets of an ended login")
