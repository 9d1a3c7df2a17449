"""Images for drafts: checked from their bytes, stored under the data folder by their hash.

The type comes from the bytes (Pillow reads them), never from the file's name or the
declared content type. Every check runs before anything is written, so a refused upload
leaves no file. Files are named by their SHA-256: the same image uploaded twice is stored
once, and a file left by a transaction that then failed to commit is harmless (the next
upload of those bytes uses it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.common.errors import Invalid, NotFound, TooLarge, UnsupportedMediaType
from app.common.text import storable
from app.common.time import isoformat_z
from app.drafts.media_limits import ACCEPTED_FORMATS, MAX_ALT_TEXT, MAX_UPLOAD_BYTES
from app.drafts.models import DraftAttachment
from app.journal import service as journal


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    sha256: str
    media_type: str
    width: int
    height: int


def check_alt_text(alt_text: str) -> str:
    try:
        storable(alt_text)
    except ValueError as exc:
        raise Invalid(f"alt_text: {exc}") from None
    if len(alt_text) > MAX_ALT_TEXT:
        raise Invalid(
            f"The alt text is {len(alt_text):,} characters; no network takes more than "
            f"{MAX_ALT_TEXT:,}.",
            length=len(alt_text),
            limit=MAX_ALT_TEXT,
        )
    return alt_text


def check_image(data: bytes) -> CheckedImage:
    """The image's type and size from its bytes: 413 over every network's limit, 415 for
    anything but a JPEG, PNG, GIF or WEBP image Pillow can read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"The image is {len(data):,} bytes; no network takes more than {MAX_UPLOAD_BYTES:,}.",
            size=len(data),
            max_bytes=MAX_UPLOAD_BYTES,
        )
    accepted = ", ".join(sorted(ACCEPTED_FORMATS))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            width, height = image.size
            image.verify()  # a truncated or corrupt file is refused now, not by a network
    except Exception:  # Pillow raises many kinds for bytes that are not an image it reads
        raise UnsupportedMediaType(
            f"This file is not an image of a type every network takes ({accepted})."
        ) from None
    media_type = ACCEPTED_FORMATS.get(image_format)
    if media_type is None:
        raise UnsupportedMediaType(
            f"{image_format} images are not taken by every network; use {accepted}.",
            format=image_format,
        )
    return CheckedImage(data, hashlib.sha256(data).hexdigest(), media_type, width, height)


def stored_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "attachments" / sha256[:2] / sha256


def _store(path: Path, data: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def public_dict(attachment: DraftAttachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "event_id": attachment.event_id,
        "sha256": attachment.sha256,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "width": attachment.width,
        "height": attachment.height,
        "alt_text": attachment.alt_text,
        "url": f"/api/attachments/{attachment.id}",
        "created_at": isoformat_z(attachment.created_at),
    }


async def add(
    session: AsyncSession,
    *,
    event_id: int,
    image: CheckedImage,
    alt_text: str,
    data_dir: Path,
    user_id: int | None,
    actor: str,
) -> DraftAttachment:
    last_seq = await journal.lock_counter(session, event_id)
    attachment = DraftAttachment(
        event_id=event_id,
        sha256=image.sha256,
        media_type=image.media_type,
        size=len(image.data),
        width=image.width,
        height=image.height,
        alt_text=alt_text,
        created_by_id=user_id,
    )
    session.add(attachment)
    await session.flush()
    entry = journal.NewEntry("attachment.added", {"attachment": public_dict(attachment)}, actor)
    await journal.write(session, event_id, last_seq, [entry])
    # Last: every refusal has happened by now, so a refused upload never leaves a file.
    await asyncio.to_thread(_store, stored_path(data_dir, image.sha256), image.data)
    return attachment


async def get_or_raise(session: AsyncSession, attachment_id: int) -> DraftAttachment:
    attachment = await session.get(DraftAttachment, attachment_id)
    if attachment is None:
        raise NotFound(f"Attachment {attachment_id} does not exist.", attachment_id=attachment_id)
    return attachment


async def set_alt_text(
    session: AsyncSession, attachment_id: int, alt_text: str, actor: str
) -> DraftAttachment:
    found = await get_or_raise(session, attachment_id)
    await journal.lock_counter(session, found.event_id)
    await session.refresh(found)  # as it is now that the event's writers queue behind us
    attachment = found
    if attachment.alt_text == alt_text:
        return attachment
    attachment.alt_text = alt_text
    session.add(attachment)
    await journal.append(
        session,
        attachment.event_id,
        "attachment.updated",
        {"attachment": public_dict(attachment)},
        actor,
    )
    return attachment


async def of_event(
    session: AsyncSession, event_id: int, ids: set[int]
) -> dict[int, DraftAttachment]:
    """The event's attachments among ``ids``, by id (others' are left out)."""
    if not ids:
        return {}
    result = await session.execute(
        select(DraftAttachment).where(
            col(DraftAttachment.event_id) == event_id,
            col(DraftAttachment.id).in_(ids),
        )
    )
    return {a.id: a for a in result.scalars() if a.id is not None}


async def all_of_event(session: AsyncSession, event_id: int) -> list[DraftAttachment]:
    """Every image uploaded to the event, oldest first."""
    result = await session.execute(
        select(DraftAttachment)
        .where(col(DraftAttachment.event_id) == event_id)
        .order_by(col(DraftAttachment.id))
    )
    return list(result.scalars())
