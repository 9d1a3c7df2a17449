"""Images for the publishers' tests: real image files, as the outbox hands them over."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from app.replies.publishers import OutgoingImage
from tests.factories import png_bytes

ALT = "The keeper dives left; the ball goes right"


def gif_bytes(width: int = 4, height: int = 3, *, frames: int = 2) -> bytes:
    """A real animated GIF."""
    images = [Image.new("P", (width, height), color) for color in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=100)
    return buffer.getvalue()


def stored_image(
    folder: Path,
    attachment_id: int = 1,
    *,
    alt_text: str = ALT,
    data: bytes | None = None,
    media_type: str = "image/png",
    size: tuple[int, int] = (8, 6),
) -> OutgoingImage:
    """An image written to ``folder`` and the outgoing image naming it."""
    data = data if data is not None else png_bytes(*size)
    path = folder / f"image-{attachment_id}"
    path.write_bytes(data)
    width, height = size
    return OutgoingImage(attachment_id, path, media_type, alt_text, len(data), width, height)
