"""Images on X, uploaded before the post names them (``"media": {"media_ids": [...]}``).

- A JPEG, PNG or WEBP goes in one call: ``POST /2/media/upload`` (multipart ``media``,
  ``media_category=tweet_image``, ``media_type``), answered ``{"data": {"id": ...}}``.
- A GIF cannot (the one-shot upload takes no ``image/gif``): it goes in segments as
  ``tweet_gif``: ``POST /2/media/upload/initialize``, ``…/{id}/append`` per segment,
  ``…/{id}/finalize``; when that answer has ``processing_info``, ``GET /2/media/upload
  ?command=STATUS&media_id=…`` until it ``succeeded``, a bounded number of times.
- The alt text goes through ``POST /2/media/metadata``
  (``{"id": ..., "metadata": {"alt_text": {"text": ...}}}``).

The media endpoints have rate limits of their own: their headers are not the account's
posting budget, though a 429 says when to come back (nothing was posted). Uploading needs
the ``media.write`` scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from app.networks import publish_http as http
from app.networks.x import problems
from app.replies.publishers import OutgoingImage, PublishFailed

Requester = Callable[..., Awaitable[httpx.Response]]
# X takes segments of up to 5 MB; smaller ones make a slow link fail less of the upload.
SEGMENT_BYTES = 1024 * 1024
ONE_SHOT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


class XMedia:
    def __init__(self, request: Requester, *, max_poll_seconds: float = 5.0, polls: int = 20):
        """``request(method, url, **kwargs)``: a call as the account (its token refreshed
        on a 401)."""
        self._request = request
        self._max_poll_seconds = max_poll_seconds
        self._polls = polls

    async def upload_all(self, images: Sequence[OutgoingImage]) -> list[str]:
        """The media ids of the images, uploaded in order, each with its alt text."""
        return [await self._upload(number, image) for number, image in enumerate(images, 1)]

    async def _upload(self, number: int, image: OutgoingImage) -> str:
        data = await image.read()
        if image.media_type in ONE_SHOT_TYPES:
            media_id = await self._one_shot(number, image, data)
        else:
            media_id = await self._in_segments(number, image, data)
        if image.alt_text:
            response = await self._request(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": image.alt_text}}},
            )
            _check(number, response, "take the alt text of")
        return media_id

    async def _one_shot(self, number: int, image: OutgoingImage, data: bytes) -> str:
        response = await self._request(
            "POST",
            "/2/media/upload",
            data={"media_category": "tweet_image", "media_type": image.media_type},
            files={"media": (f"image-{image.attachment_id}", data, image.media_type)},
        )
        return _media_id(number, _check(number, response, "take"))

    async def _in_segments(self, number: int, image: OutgoingImage, data: bytes) -> str:
        started = await self._request(
            "POST",
            "/2/media/upload/initialize",
            json={
                "media_type": image.media_type,
                "total_bytes": len(data),
                "media_category": "tweet_gif",
            },
        )
        media_id = _media_id(number, _check(number, started, "start the upload of"))
        for index, start in enumerate(range(0, len(data), SEGMENT_BYTES)):
            segment = data[start : start + SEGMENT_BYTES]
            appended = await self._request(
                "POST",
                f"/2/media/upload/{media_id}/append",
                data={"segment_index": str(index)},
                files={"media": (f"image-{image.attachment_id}", segment, image.media_type)},
            )
            _check(number, appended, "take a part of")
        finished = await self._request("POST", f"/2/media/upload/{media_id}/finalize")
        info = _data(_check(number, finished, "finish the upload of")).get("processing_info")
        await self._until_processed(number, media_id, info)
        return media_id

    async def _until_processed(self, number: int, media_id: str, info: Any) -> None:
        for _ in range(self._polls):
            state = info.get("state") if isinstance(info, dict) else None
            if state in (None, "succeeded"):
                return
            if state == "failed":
                error = (info.get("error") or {}).get("message") or "no reason given"
                raise PublishFailed(f"X could not process image {number}: {error}", transient=False)
            wait = info.get("check_after_secs")
            wait = float(wait) if isinstance(wait, int | float) else 1.0
            await asyncio.sleep(min(wait, self._max_poll_seconds))
            response = await self._request(
                "GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id}
            )
            info = _data(_check(number, response, "say how far it is with")).get("processing_info")
        raise PublishFailed(
            f"X was still processing image {number} after {self._polls} checks", transient=True
        )


def _check(number: int, response: httpx.Response, doing: str) -> httpx.Response:
    if response.status_code >= 300:
        raise _refused(number, response, doing)
    return response


def _refused(number: int, response: httpx.Response, doing: str) -> PublishFailed:
    detail = problems.detail(response)
    status = response.status_code
    if status == 429:
        return PublishFailed(
            f"X answered 429 to image {number}: {detail}",
            transient=True,
            rate_limited_until=problems.reset_if_429(response),
        )
    if status >= 500:
        return PublishFailed(f"X answered {status} to image {number}: {detail}", transient=True)
    hint = ""
    if status == 403:
        hint = "; an account connected before images were sent must be reconnected (media.write)"
    return PublishFailed(
        f"X refused to {doing} image {number} ({status}): {detail}{hint}", transient=False
    )


def _data(response: httpx.Response) -> dict[str, Any]:
    """The answer's ``data`` (X v2), or the answer itself where it has none."""
    body = http.json_of(response) or {}
    data = body.get("data")
    return data if isinstance(data, dict) else body


def _media_id(number: int, response: httpx.Response) -> str:
    media_id = _data(response).get("id")
    if not isinstance(media_id, str) or not media_id:
        raise PublishFailed(f"X's answer to image {number} had no media id", transient=True)
    return media_id
