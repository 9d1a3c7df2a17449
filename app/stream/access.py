"""Closing the sockets of a login that ended, in every process.

When a user logs out, is deactivated, changes password or role, or loses an API token, the
auth service signals it after the commit (``Database.signals``); the signal goes out on the
broker, and every process closes the sockets it holds that were opened with that login,
with 4401.

A signal sent while the broker is out reaches only its own process. So while the broker
is not healthy, and once more when it is back, each process looks up the logins of the
sockets it holds, about once a second (one query per distinct login), and closes those
that ended or whose role changed. While the broker is healthy nothing is polled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
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
# How often the logins of open sockets are looked up while the broker is out.
SWEEP_SECONDS = 1.0

# The role of a login while it works, None once it ended.
LoginRole = Callable[[int, str], Awaitable[str | None]]


class Closable(Protocol):
    def end(self, code: int, reason: str) -> None: ...


def ends(ended: str, credential: str) -> bool:
    """Whether ``ended`` (``*``, ``session:*``, ``session:12``, ``api_token:3``) covers the
    ``credential`` a socket was opened with."""
    if ended in (ANY_CREDENTIAL, credential):
        return True
    return ended.endswith(":*") and credential.startswith(ended[:-1])


class AccessGuard:
    def __init__(
        self, broker: Broker, login_role: LoginRole, sweep_seconds: float = SWEEP_SECONDS
    ) -> None:
        self._broker = broker
        self._login_role = login_role
        self._sweep_seconds = sweep_seconds
        # user id → socket → (credential, role it was opened with)
        self._sockets: dict[int, dict[Closable, tuple[str, str]]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def announce(self, message: dict[str, Any]) -> None:
        """Close this process's sockets of the ended login at once, and tell the others
        (closing a socket twice, when our own message comes back, is harmless)."""
        self.close_ended(message)
        self._broker.offer(CHANNEL, message)

    async def start(self) -> None:
        subscribed = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._listen(subscribed), name="stream-access"),
            asyncio.create_task(self._watch_outages(), name="stream-access-sweep"),
        ]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SUBSCRIBE_WAIT_SECONDS):
                await subscribed.wait()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @contextlib.contextmanager
    def track(self, user_id: int, credential: str, role: str, socket: Closable) -> Iterator[None]:
        sockets = self._sockets.setdefault(user_id, {})
        sockets[socket] = (credential, role)
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
            for socket, (credential, _role) in self._sockets.get(user_id, {}).items()
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

    async def _watch_outages(self) -> None:
        was_out = False
        while True:
            await asyncio.sleep(self._sweep_seconds)
            out = not self._broker.healthy
            if out or was_out:  # and once more when it is back: what it missed meanwhile
                try:
                    await self.sweep()
                except Exception:
                    logger.exception("could not look up the logins of open sockets")
            was_out = out

    async def sweep(self) -> int:
        """Close the sockets whose login ended or whose role changed; answers how many."""
        logins = {
            (user_id, credential, role)
            for user_id, sockets in self._sockets.items()
            for credential, role in sockets.values()
        }
        closed = 0
        for user_id, credential, role in logins:
            try:
                current = await self._login_role(user_id, credential)
            except Exception:
                logger.warning("could not look up a socket's login", exc_info=True)
                return closed  # the database is out too: the next sweep tries again
            if current != role:
                closed += self._close_login(user_id, credential)
        return closed

    def _close_login(self, user_id: int, credential: str) -> int:
        closing = [
            socket
            for socket, (held, _role) in self._sockets.get(user_id, {}).items()
            if held == credential
        ]
        for socket in closing:
            socket.end(CLOSE_ACCESS_ENDED, ACCESS_ENDED_REASON)
        return len(closing)

    def _take(self, message: Any) -> None:
        try:
            self.close_ended(message)
        except Exception:
            logger.exception("could not close the sockets of an ended login")
