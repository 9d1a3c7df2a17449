"""The file source: a JSONL file of mentions, or of a network's raw payloads, played live."""

from __future__ import annotations

from app.ingest.sources.base import SourceKind
from app.ingest.sources.file.config import FileConfig
from app.ingest.sources.file.source import FileSource

FILE = SourceKind(name="file", config_model=FileConfig, build=FileSource)

__all__ = ["FILE", "FileConfig", "FileSource"]
