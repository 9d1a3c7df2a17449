"""A fake X API v2 that fires: the filtered stream at a steady rate, for bench/sources.py.

The rules endpoints, recent search and the 401 for a wrong token are the tests' fake
(tests/fakes/x_stream.py), and each post is its ``post()`` shape (``data``,
``includes.users``, ``matching_rules``). Only the stream differs: from the moment a
client connects it sends ``rate`` posts a second, each its own chunk of newline-delimited
JSON ending ``\\r\\n``, each naming the rule it matched (id and tag, as X sends them) and
carrying its send time in its text; a ``\\r\\n`` keep-alive opens the stream and comes
every 20 s, as X's does. Every post of the filtered stream matched a rule, so every one
is the event's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tests.fakes.x_stream import KEEP_ALIVE, FakeX, line, post

MARK = "benchsent="
KEEP_ALIVE_SECONDS = 20.0
TEXTS = (
    "What a goal #CupFinal",
    "That save from the keeper!! #CupFinal",
    "Referee, are you watching the same match? #CupFinal",
    "Cup final nerves, can't look #CupFinal",
    "Best header I have seen all season #CupFinal",
)


def stamped_post(n: int, authors: int, rule: dict[str, Any], sent_at: float) -> bytes:
    """Post ``n`` by one of ``authors`` users, ``sent_at`` (epoch seconds) in its text."""
    text = f"{TEXTS[n % len(TEXTS)]} {MARK}{sent_at:.6f}"
    author = n % authors
    payload = post(n, text, tag=rule.get("tag"), rule_id=rule["id"])
    payload["data"]["author_id"] = str(author)
    payload["includes"]["users"] = [
        {
            "id": str(author),
            "username": f"fan{author}",
            "name": f"Fan {author}",
            "public_metrics": {"followers_count": author % 2000},
        }
    ]
    return line(payload)


@dataclass
class FiringX(FakeX):
    rate: int = 250
    authors: int = 5000
    # The send time of every post, in order: what the benchmark counts arrivals against.
    sent: list[float] = field(default_factory=list)

    async def _stream(self, request: Request) -> Response:
        self.stream_requests.append(dict(request.query_params))
        if refused := self._refused(request):
            return refused
        return StreamingResponse(self._fire(), media_type="application/json")

    async def _fire(self) -> AsyncIterator[bytes]:
        yield KEEP_ALIVE
        started = last_keep_alive = time.monotonic()
        n = 0
        while True:
            due = int(self.rate * (time.monotonic() - started))
            while n < due:
                if not self.rules:
                    n = due  # no rule, nothing matches: X sends keep-alives only
                    break
                sent_at = time.time()
                self.sent.append(sent_at)
                yield stamped_post(len(self.sent), self.authors, self.rules[0], sent_at)
                n += 1
            if time.monotonic() - last_keep_alive >= KEEP_ALIVE_SECONDS:
                last_keep_alive = time.monotonic()
                yield KEEP_ALIVE
            await asyncio.sleep(max(0.0, started + (n + 1) / self.rate - time.monotonic()))
