"""Login throttling: a sliding window of failed attempts per username and per client IP.

The counts live in this process's memory. With several server processes each keeps its own,
so the effective limit is the limit times the number of processes, and a restart forgets
them; that still turns an online password guess from thousands a minute into a handful.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable

MAX_FAILURES = 10
WINDOW_SECONDS = 300.0
# Bounds memory when someone sprays logins for many usernames from many addresses.
MAX_TRACKED_KEYS = 50_000


class LoginThrottle:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = WINDOW_SECONDS,
        max_keys: int = MAX_TRACKED_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}

    def _live(self, key: str, now: float) -> deque[float] | None:
        stamps = self._attempts.get(key)
        if stamps is None:
            return None
        while stamps and stamps[0] <= now - self.window_seconds:
            stamps.popleft()
        if not stamps:
            del self._attempts[key]
            return None
        return stamps

    def retry_after(self, keys: Iterable[str]) -> int | None:
        """Seconds to wait if any key has used up its attempts, else None."""
        now = self._clock()
        wait = 0.0
        for key in keys:
            stamps = self._live(key, now)
            if stamps is not None and len(stamps) >= self.max_failures:
                wait = max(wait, stamps[0] + self.window_seconds - now)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def begin(self, keys: Iterable[str]) -> float:
        """Count an attempt as failed before checking the password.

        Counting up front matters: checking a password takes a while, and a burst of
        concurrent guesses must not all slip in before the first failure is recorded.
        Returns the attempt's stamp for :meth:`succeeded`."""
        now = self._clock()
        if len(self._attempts) >= self.max_keys:
            self._sweep(now)
        for key in keys:
            self._attempts.setdefault(key, deque()).append(now)
        return now

    def succeeded(self, keys: Iterable[str], stamp: float, clear: Iterable[str] = ()) -> None:
        """Take back an attempt that turned out right, and forget the ``clear`` keys."""
        for key in keys:
            stamps = self._attempts.get(key)
            if stamps is not None:
                try:
                    stamps.remove(stamp)
                except ValueError:
                    pass
                if not stamps:
                    del self._attempts[key]
        for key in clear:
            self._attempts.pop(key, None)

    def _sweep(self, now: float) -> None:
        for key in list(self._attempts):
            self._live(key, now)
        # Still full of live keys: forget the oldest ones rather than grow without bound.
        excess = len(self._attempts) - self.max_keys + 1
        for key in list(self._attempts)[: max(0, excess)]:
            del self._attempts[key]
