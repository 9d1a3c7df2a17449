from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.common.time import UtcTime


class JournalEntryPublic(BaseModel):
    seq: int
    type: str
    at: UtcTime
    actor: str | None
    data: dict[str, Any]


class JournalPage(BaseModel):
    entries: list[JournalEntryPublic]
    last_seq: int
    """The event's latest seq when this page was read: ``entries`` may stop before it."""
    epoch: str
    """The history these seqs belong to; a console resumes the stream with it
    (``?after_seq=N&epoch=E``) and is told to reload if the database was reset."""
