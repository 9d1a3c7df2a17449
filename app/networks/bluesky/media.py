"""Images on Bluesky: each uploaded with ``com.atproto.repo.uploadBlob`` (the raw bytes,
``Content-Type`` the image's type), answered with a blob reference, which the post record
embeds: ``{"$type": "app.bsky.embed.images", "images": [{"alt", "image": <blob>,
"aspectRatio": {"width", "height"}}]}``.

A blob is addressed by its content: a resend uploads the same bytes to the same reference,
and the record key (from the post's key) still lets the post be written once. Uploads are
not the repository writes the posting budget counts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from app.networks import publish_http as http
from app.networks.bluesky.refusal import refused
from app.replies.publishers import OutgoingImage, PublishFailed

EMBED = "app.bsky.embed.images"
Requester = Callable[..., Awaitable[httpx.Response]]


async def images_embed(request: Requester, images: Sequence[OutgoingImage]) -> dict[str, Any]:
    """The record's ``embed`` of the images, uploaded in order; ``request(method, url,
    **kwargs)`` calls the PDS as the account."""
    entries: list[dict[str, Any]] = []
    for number, image in enumerate(images, 1):
        entry: dict[str, Any] = {
            "alt": image.alt_text,
            "image": await _upload(request, number, image),
        }
        if image.width and image.height:
            entry["aspectRatio"] = {"width": image.width, "height": image.height}
        entries.append(entry)
    return {"$type": EMBED, "images": entries}


async def _upload(request: Requester, number: int, image: OutgoingImage) -> dict[str, Any]:
    response = await request(
        "POST",
        "/xrpc/com.atproto.repo.uploadBlob",
        content=await image.read(),
        headers={"Content-Type": image.media_type},
    )
    if response.status_code != 200:
        raise refused(response, image=number)
    blob = (http.json_of(response) or {}).get("blob")
    if not isinstance(blob, dict) or not isinstance(blob.get("ref"), dict):
        raise PublishFailed(f"Bluesky's answer to image {number} had no blob", transient=True)
    return blob
