"""The built console scripts: which files a page loads, read from Vite's manifest.

``scripts/build-frontend`` writes ``frontend/dist``; the file names carry a content hash, so
the manifest is the only place that knows them. It is read again whenever it changes, so a
rebuild shows up without restarting the server.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

BUILD_COMMAND = "scripts/build-frontend"
# Vite writes every chunk flat into assets/ with names like event-B1a2c3.js; anything else
# asked for under /assets is refused before it gets near the file system.
ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass(frozen=True, slots=True)
class EntryAssets:
    """What a page needs for one entry point, as URLs."""

    script: str
    styles: tuple[str, ...]
    preloads: tuple[str, ...]


class Manifest:
    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self._path = dist / ".vite" / "manifest.json"
        self._stamp: tuple[int, int] | None = None
        self._chunks: dict[str, Any] = {}

    @property
    def assets_dir(self) -> Path:
        return self.dist / "assets"

    def entry(self, name: str) -> EntryAssets | None:
        """The files of entry ``name`` (e.g. ``src/pages/event.ts``), or None if not built."""
        chunks = self._load()
        chunk = chunks.get(name)
        if not isinstance(chunk, dict) or "file" not in chunk:
            return None
        styles: list[str] = []
        preloads: list[str] = []
        seen: set[str] = set()

        def walk(key: str, is_entry: bool) -> None:
            if key in seen:
                return
            seen.add(key)
            item = chunks.get(key)
            if not isinstance(item, dict):
                return
            if not is_entry:
                preloads.append(f"/{item['file']}")
            styles.extend(f"/{css}" for css in item.get("css", []) if f"/{css}" not in styles)
            for imported in item.get("imports", []):
                walk(imported, False)

        walk(name, True)
        return EntryAssets(
            script=f"/{chunk['file']}", styles=tuple(styles), preloads=tuple(preloads)
        )

    def _load(self) -> dict[str, Any]:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            self._stamp, self._chunks = None, {}
            return self._chunks
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            try:
                chunks = json.loads(self._path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                # Caught mid-rebuild; the next request reads the finished file.
                logger.warning("could not read %s; is a build running?", self._path)
                return self._chunks
            self._chunks = chunks if isinstance(chunks, dict) else {}
            self._stamp = stamp
        return self._chunks
