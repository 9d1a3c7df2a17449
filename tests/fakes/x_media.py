"""X API v2's media endpoints, for the fake X (tests/fakes/x.py), as X documents them:

- ``POST /2/media/upload``: one call, multipart ``media`` and ``media_category`` (one of
  ``tweet_image``, ``dm_image``, ``subtitles``), ``media_type`` never ``image/gif``; images
  up to 5 MB. Answers ``{"data": {"id", "media_key", "size", "expires_after_secs"}}``.
- ``POST /2/media/upload/initialize`` (JSON ``media_type``, ``total_bytes``,
  ``media_category``), ``…/{id}/append`` (multipart ``media``, ``segment_index``),
  ``…/{id}/finalize`` (refused unless the segments add up), and ``GET /2/media/upload
  ?command=STATUS&media_id=…``. With ``processing_checks`` set, a finalize answers
  ``processing_info.state: pending`` and that many STATUS answers say ``in_progress``.
- ``POST /2/media/metadata`` ``{"id", "metadata": {"alt_text": {"text"}}}`` (1,000
  characters at most).

Each upload is recorded (``uploads``: size, type, category, alt text).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ONE_SHOT_CATEGORIES = {"tweet_image", "dm_image", "subtitles"}
ONE_SHOT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg", "image/tiff"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_GIF_BYTES = 15 * 1024 * 1024
MAX_ALT_TEXT = 1000
Handler = Callable[[Request], Awaitable[JSONResponse]]


def invalid(message: str) -> JSONResponse:
    return JSONResponse(
        {
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        status_code=400,
    )


@dataclass
class FakeXMedia:
    processing_checks: int = 0
    uploads: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    status_checks: list[str] = field(default_factory=list)

    def routes(self, guard: Callable[[Handler], Handler]) -> list[Route]:
        """The routes, each behind ``guard`` (the account's token)."""
        return [
            Route("/2/media/upload", guard(self._upload_or_status), methods=["GET", "POST"]),
            Route("/2/media/upload/initialize", guard(self._initialize), methods=["POST"]),
            Route("/2/media/upload/{media_id}/append", guard(self._append), methods=["POST"]),
            Route("/2/media/upload/{media_id}/finalize", guard(self._finalize), methods=["POST"]),
            Route("/2/media/metadata", guard(self._metadata), methods=["POST"]),
        ]

    def ready(self, media_id: str) -> bool:
        item = self.items.get(media_id)
        return item is not None and item["state"] == "succeeded"

    def _new(self, media_type: str, category: str, total_bytes: int, state: str) -> dict[str, Any]:
        media_id = str(1_900_000_000_000_000_000 + len(self.items) + 1)
        item = {
            "id": media_id,
            "media_key": f"3_{media_id}",
            "media_type": media_type,
            "category": category,
            "total_bytes": total_bytes,
            "segments": {},
            "state": state,
            "checks_left": 0,
            "alt_text": None,
        }
        self.items[media_id] = item
        self.uploads.append(item)
        return item

    def _answer(self, item: dict[str, Any], **extra: Any) -> JSONResponse:
        data = {
            "id": item["id"],
            "media_key": item["media_key"],
            "size": item["total_bytes"],
            "expires_after_secs": 86400,
            **extra,
        }
        return JSONResponse({"data": data})

    async def _upload_or_status(self, request: Request) -> JSONResponse:
        if request.method == "GET":
            return self._status(request)
        form = await request.form()
        upload = form.get("media")
        if not isinstance(upload, UploadFile):
            return invalid("media: a file is required")
        category = str(form.get("media_category") or "")
        media_type = str(form.get("media_type") or upload.content_type or "")
        if category not in ONE_SHOT_CATEGORIES:
            return invalid(
                f"media_category: {category!r} is not one of {sorted(ONE_SHOT_CATEGORIES)}"
            )
        if media_type not in ONE_SHOT_TYPES:
            return invalid(f"media_type: {media_type!r} is not one of {sorted(ONE_SHOT_TYPES)}")
        data = await upload.read()
        if len(data) > MAX_IMAGE_BYTES:
            return invalid(f"File size exceeds {MAX_IMAGE_BYTES} bytes.")
        item = self._new(media_type, category, len(data), "succeeded")
        return self._answer(item, image={"image_type": media_type})

    async def _initialize(self, request: Request) -> JSONResponse:
        body = await request.json()
        total = body.get("total_bytes")
        if not isinstance(total, int) or total <= 0 or not body.get("media_type"):
            return invalid("total_bytes and media_type are required")
        if total > MAX_GIF_BYTES:
            return invalid(f"File size exceeds {MAX_GIF_BYTES} bytes.")
        category = str(body.get("media_category") or "tweet_image")
        return self._answer(self._new(str(body["media_type"]), category, total, "uploading"))

    async def _append(self, request: Request) -> JSONResponse:
        item = self.items.get(request.path_params["media_id"])
        if item is None or item["state"] != "uploading":
            return invalid("media_id: no upload in progress")
        form = await request.form()
        upload = form.get("media")
        if not isinstance(upload, UploadFile):
            return invalid("media: a file is required")
        item["segments"][int(str(form.get("segment_index", "0")))] = len(await upload.read())
        return JSONResponse({"data": {"expires_at": int(time.time()) + 86400}})

    async def _finalize(self, request: Request) -> JSONResponse:
        item = self.items.get(request.path_params["media_id"])
        if item is None or item["state"] != "uploading":
            return invalid("media_id: no upload in progress")
        if sum(item["segments"].values()) != item["total_bytes"]:
            return invalid("Segments do not add up to provided total file size.")
        if not self.processing_checks:
            item["state"] = "succeeded"
            return self._answer(item)
        item["state"], item["checks_left"] = "pending", self.processing_checks
        return self._answer(item, processing_info={"state": "pending", "check_after_secs": 1})

    def _status(self, request: Request) -> JSONResponse:
        item = self.items.get(request.query_params.get("media_id", ""))
        if request.query_params.get("command") != "STATUS" or item is None:
            return invalid("media_id: not found")
        self.status_checks.append(item["id"])
        if item["checks_left"] > 0:
            item["checks_left"] -= 1
            item["state"] = "in_progress"
            info = {"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
            return self._answer(item, processing_info=info)
        item["state"] = "succeeded"
        return self._answer(item, processing_info={"state": "succeeded", "progress_percent": 100})

    async def _metadata(self, request: Request) -> JSONResponse:
        body = await request.json()
        item = self.items.get(str(body.get("id")))
        if item is None:
            return invalid("id: media not found")
        text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if not isinstance(text, str) or len(text) > MAX_ALT_TEXT:
            return invalid(f"metadata.alt_text.text: at most {MAX_ALT_TEXT} characters")
        item["alt_text"] = text
        return JSONResponse(
            {"data": {"id": item["id"], "associated_metadata": {"alt_text": {"text": text}}}}
        )
