"""Scripted streaming answers for the fake networks: each connection a client opens plays
the next script, byte for byte, so a test decides where a line is cut or a stream drops.

A script is a list of steps:

- ``bytes``: sent as one chunk, as they are (half a line, a keep-alive, a whole event);
- ``DROP``: the connection is cut there (no end of the chunked body: the client sees the
  stream broken, as when a network drops it);
- ``HOLD``: nothing more is sent, the connection stays open (a silent, dead-looking
  server, or a quiet night) until the client goes away;
- ``Pause(seconds)``: wait that long, then go on;
- an ``asyncio.Event``: wait until the test sets it (send only once the test is ready).

When a connection's script runs out it ends cleanly (the server closed the stream).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

DROP = "drop"
HOLD = "hold"


@dataclass(frozen=True)
class Pause:
    seconds: float


Step = bytes | str | Pause | asyncio.Event


class StreamCut(Exception):
    """Raised inside the response body: uvicorn then closes the socket mid-body."""


async def play(script: list[Step]) -> AsyncIterator[bytes]:
    for step in script:
        if isinstance(step, bytes):
            yield step
        elif isinstance(step, Pause):
            await asyncio.sleep(step.seconds)
        elif isinstance(step, asyncio.Event):
            await step.wait()
        elif step == DROP:
            raise StreamCut("the fake cut the connection here")
        elif step == HOLD:
            await asyncio.sleep(3600)
