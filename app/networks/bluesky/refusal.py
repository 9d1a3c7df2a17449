"""What a Bluesky refusal means for a post or one of its images: may it pass (429, 5xx:
the record key makes a second attempt safe whether or not this one wrote), or not."""

from __future__ import annotations

import httpx

from app.networks.bluesky import limits
from app.networks.bluesky.session import xrpc_error
from app.replies.publishers import PublishFailed

# The PDS's words for a session that no longer works.
EXPIRED = {"ExpiredToken", "InvalidToken", "AuthRequired", "AuthenticationRequired"}


def refused(response: httpx.Response, image: int | None = None) -> PublishFailed:
    """The post's refusal, or that of its image number ``image``."""
    error, message = xrpc_error(response)
    to = f" to image {image}" if image is not None else ""
    if response.status_code == 429:
        header = limits.read(response.headers)
        return PublishFailed(
            f"Bluesky answered 429{to} ({error}): {message}",
            transient=True,
            rate_limited_until=header.reset_at if header else None,
        )
    if response.status_code >= 500:
        return PublishFailed(
            f"Bluesky answered {response.status_code}{to}: {message}", transient=True
        )
    if image is None and error in EXPIRED:
        return PublishFailed(
            f"Bluesky refused the session ({error}): {message}; check the account", transient=False
        )
    what = f"image {image}" if image is not None else "the post"
    return PublishFailed(f"Bluesky refused {what} ({error}): {message}", transient=False)
