from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime


class JournalEntry(SQLModel, table=True):
    """One thing that happened in an event. Rows are only ever inserted."""

    __tablename__ = "journal_entry"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    type: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=64)
    # JSON text, encoded once when written and sent as it is.
    data: str = Field(sa_type=Text)


def new_journal_epoch() -> str:
    """A name for one history of an event's journal (``Event.journal_epoch``)."""
    return secrets.token_hex(8)
