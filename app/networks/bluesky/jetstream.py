"""The Jetstream v1 websocket: ``<url>?wantedCollections=app.bsky.feed.post&cursor=<time_us>``.

Frames are JSON text, one event each. Compression is not asked for: zstd frames need
Jetstream's custom dictionary (shipped in its repository, not served) and save bandwidth
at the cost of decompressing every frame before the cheap pre-check, which is the CPU this
source must spare; plain JSON keeps that check on the raw frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from app.ingest.sources.stateful import StreamFailure
from app.networks.bluesky.parsing import POST

# A post record is at most a few kB; a frame larger than this is not one we want.
MAX_FRAME_BYTES = 1 << 20


def subscribe_url(base: str, cursor: int | None) -> str:
    params: list[tuple[str, str]] = [("wantedCollections", POST)]
    if cursor is not None:
        params.append(("cursor", str(cursor)))
    parts = urlsplit(base)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


async def frames(
    url: str, opened: Callable[[], Awaitable[None]], read_timeout: float
) -> AsyncIterator[bytes]:
    """The raw frames of one connection, until it ends (raising ``StreamFailure``)."""
    try:
        async with connect(
            url, max_size=MAX_FRAME_BYTES, open_timeout=10, compression=None
        ) as websocket:
            await opened()
            while True:
                async with asyncio.timeout(read_timeout):
                    frame = await websocket.recv(decode=False)
                yield frame if isinstance(frame, bytes) else frame.encode()
    except InvalidStatus as exc:
        code = exc.response.status_code
        if code == 429:
            raise StreamFailure(
                "rate_limited", "Jetstream answered 429", status_code=code
            ) from None
        raise StreamFailure("http", f"Jetstream answered {code}", status_code=code) from None
    except TimeoutError:
        raise StreamFailure("network", f"no frame for {read_timeout:g} s") from None
    except (ConnectionClosed, InvalidHandshake, OSError) as exc:
        raise StreamFailure("network", f"Jetstream connection lost: {exc}") from None
