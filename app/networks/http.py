"""HTTP failures sorted the way every network's backoff sorts them (see
:class:`app.ingest.sources.stateful.StreamFailure`). Shared by the networks' clients."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import httpx

from app.ingest.sources.stateful import StreamFailure

# Reads a rate-limit reset header into a time (X: epoch seconds; Mastodon: ISO 8601).
ResetParser = Callable[[httpx.Headers], datetime | None]


def _no_reset(headers: httpx.Headers) -> datetime | None:
    return None


def failure_of(
    response: httpx.Response, what: str, reset: ResetParser = _no_reset
) -> StreamFailure:
    """The failure an error answer means. The body is not quoted: it may echo a token."""
    code = response.status_code
    if code in (401, 403):
        return StreamFailure(
            "refused",
            f"{what}: the server refused the credentials (HTTP {code}); check the token "
            "and its access level (in the settings, or the account's on the Accounts page)",
            code,
        )
    if code == 429:
        return StreamFailure(
            "rate_limited", f"{what}: rate limited (HTTP 429)", code, reset(response.headers)
        )
    return StreamFailure("http", f"{what}: HTTP {code}", code)


@contextlib.asynccontextmanager
async def network_errors(what: str) -> AsyncIterator[None]:
    """Turn a broken or silent connection into a ``network`` failure."""
    try:
        yield
    except httpx.TimeoutException:
        raise StreamFailure("network", f"{what}: no data within the read timeout") from None
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise StreamFailure("network", f"{what}: {type(exc).__name__}") from None
