from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class JournalEntryPublic(BaseModel):
    seq: int
    type: str
    at: datetime
    actor: str | None
    data: dict[str, Any]


class JournalPage(BaseModel):
    entries: list[JournalEntryPublic]
    last_seq: int
    """The event's latest seq when this page was read: ``entries`` may stop before it."""
