"""PLACEHOLDER being written by the ingest helper."""
from __future__ import annotations

from app.config import Settings
from app.db import Database


class SourceManager:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
