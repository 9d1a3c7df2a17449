"""Images on Mastodon: each uploaded with ``POST /api/v2/media`` (multipart ``file``, and
its alt text as ``description``) before the status names them in ``media_ids``.

The server answers 200 with the attachment once it has processed the file, or 202 with
``url: null`` while it processes it in the background; a status naming media still being
processed is refused (422), so an attachment answered without its ``url`` is asked for
(``GET /api/v1/media/:id``: 206 while processing, 200 once done) until it is ready, a
bounded number of times. Uploads have their own rate limit on Mastodon: their headers are
not the account's posting budget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from app.networks import publish_http as http
from app.networks.mastodon.refusal import refused
from app.replies.publishers import OutgoingImage, PublishFailed

NETWORK = "Mastodon"


class MastodonMedia:
    def __init__(
        self, client: httpx.AsyncClient, *, poll_seconds: float = 0.5, polls: int = 20
    ) -> None:
        self._client = client
        self._poll_seconds = poll_seconds
        self._polls = polls

    async def upload_all(self, images: Sequence[OutgoingImage]) -> list[str]:
        """The media ids of the images, uploaded in order, each ready to be attached."""
        return [await self._upload(number, image) for number, image in enumerate(images, 1)]

    async def _upload(self, number: int, image: OutgoingImage) -> str:
        data = await image.read()
        form = {"description": image.alt_text} if image.alt_text else {}
        files = {"file": (f"image-{image.attachment_id}", data, image.media_type)}
        response = await http.call(
            self._client, NETWORK, "POST", "/api/v2/media", data=form, files=files
        )
        if response.status_code == 403:  # Mastodon's "outside the authorized scopes"
            raise refused(response, doing=f"take image {number} (the token needs write:media)")
        if response.status_code not in (200, 202):
            raise refused(response, doing=f"take image {number}")
        media = http.json_of(response) or {}
        if not isinstance(media.get("id"), str | int):
            raise PublishFailed(f"Mastodon's answer to image {number} had no id", transient=True)
        media_id = str(media["id"])
        if response.status_code == 202 or media.get("url") is None:
            await self._until_processed(number, media_id)
        return media_id

    async def _until_processed(self, number: int, media_id: str) -> None:
        for _ in range(self._polls):
            await asyncio.sleep(self._poll_seconds)
            response = await http.call(self._client, NETWORK, "GET", f"/api/v1/media/{media_id}")
            if response.status_code == 200:
                return
            if response.status_code != 206:
                raise refused(response, doing=f"show image {number} after its upload")
        # Another attempt uploads it again; the one left behind is Mastodon's to clear.
        raise PublishFailed(
            f"Mastodon was still processing image {number} after {self._polls} checks",
            transient=True,
        )
