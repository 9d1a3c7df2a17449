"""What the publishers share: a network call whose failures become :class:`PublishFailed`
(saying whether the post may have gone out), and the budget check before it."""

from __future__ import annotations

from typing import Any

import httpx

from app.networks.limits import Budget
from app.replies.publishers import PublishFailed


def check_budget(network: str, budget: Budget) -> None:
    """Refuse (nothing sent) while the account's budget is spent."""
    ready_at = budget.ready_at()
    if ready_at is not None:
        raise PublishFailed(
            f"{network}'s posting budget for this account is spent",
            transient=True,
            rate_limited_until=ready_at,
        )


async def call(
    client: httpx.AsyncClient, network: str, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """One request; a connection refused (cannot have posted) or a timeout (may have)
    is a failure that may pass."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.ConnectError as exc:
        raise PublishFailed(f"Could not reach {network}: {exc}", transient=True) from None
    except httpx.TimeoutException:
        raise PublishFailed(f"{network} did not answer in time", transient=True) from None
    except httpx.TransportError as exc:
        raise PublishFailed(f"{network}'s answer was lost: {exc}", transient=True) from None


def json_of(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
