"""The imports folder: the one place file sources read from, and where uploads land.

A file is named by its name inside the folder, never by a server path: a name with a
folder part, ``..``, or anything but letters, digits, ``.``, ``-`` and ``_`` is refused,
and the resolved path must still lie inside the folder (a symlink out of it is refused).
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path

from app.common.errors import CuedeskError, Invalid, NotFound

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_NAME = re.compile(NAME_PATTERN)


class BadImportName(Invalid):
    pass


class UploadTooLarge(CuedeskError):
    status_code = 413


@dataclass(frozen=True, slots=True)
class ImportFile:
    name: str
    bytes: int


def check_name(name: str) -> str:
    """``name`` if it can only name a file directly inside the folder."""
    if not _NAME.fullmatch(name) or ".." in name:
        raise BadImportName(
            f"{name!r} is not a file name of the imports folder: letters, digits, '.', '-' "
            "and '_' only, no folder part."
        )
    return name


def resolve(folder: Path, name: str, *, must_exist: bool = True) -> Path:
    """The path of ``name`` inside ``folder``; raises ``BadImportName`` or ``NotFound``."""
    path = (folder / check_name(name)).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BadImportName(f"{name!r} leads out of the imports folder.")
    if must_exist and not path.is_file():
        raise NotFound(f"The imports folder has no file {name!r}.", name=name)
    return path


def list_files(folder: Path) -> list[ImportFile]:
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_file() and _NAME.fullmatch(entry.name):
            found.append(ImportFile(entry.name, entry.stat().st_size))
    return found


async def save(folder: Path, name: str, chunks: AsyncIterable[bytes], max_bytes: int) -> ImportFile:
    """Write an upload to ``folder/name`` (replacing it), all or nothing.

    Raises ``UploadTooLarge`` past ``max_bytes``; the partial file is removed."""
    path = resolve(folder, name, must_exist=False)
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    partial = folder / f".upload-{uuid.uuid4().hex}"
    size = 0
    try:
        with partial.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(
                        f"The file is larger than {max_bytes} bytes: put it in the imports "
                        "folder by hand instead.",
                        max_bytes=max_bytes,
                    )
                out.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return ImportFile(name, size)
