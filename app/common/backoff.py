"""Retry delays that grow, stop growing at a cap, and are jittered, so that many hubs or
processes that lost the same server do not all come back at the same instant."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, first: float = 0.1, cap: float = 5.0) -> None:
        self._first = first
        self._cap = cap
        self._failures = 0

    def next_delay(self) -> float:
        """The delay before the next attempt: doubling from ``first`` up to ``cap``, each
        drawn from its upper half."""
        ceiling = min(self._cap, self._first * 2**self._failures)
        self._failures = min(self._failures + 1, 32)
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self._failures = 0
