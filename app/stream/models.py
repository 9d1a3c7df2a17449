from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime


class StreamTicket(SQLModel, table=True):
    """A single-use pass to open one socket (``?ticket=``), so that no lasting secret goes
    into a URL. Only a hash is stored; opening the socket deletes the row."""

    __tablename__ = "stream_ticket"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    # What the ticket was made with (``session:<id>``, ``api_token:<id>``): ending that
    # closes the socket too.
    credential: str = Field(max_length=40)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
