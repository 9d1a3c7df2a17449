from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime


class MentionState(StrEnum):
    new = "new"
    claimed = "claimed"
    replied = "replied"
    dismissed = "dismissed"


class Mention(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("event_id", "network", "external_id"),
        Index("ix_mention_event_id_seq", "event_id", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    # The seq of this mention's ``mention.received`` journal entry: arrival order.
    seq: int
    network: str = Field(max_length=16)
    external_id: str = Field(max_length=256)
    author_handle: str = Field(max_length=128)
    author_name: str = Field(default="", max_length=256)
    author_followers: int = Field(default=0)
    author_verified: bool = Field(default=False)
    author_avatar_url: str | None = Field(default=None, max_length=2048)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    lang: str | None = Field(default=None, max_length=16)
    url: str | None = Field(default=None, max_length=2048)
    reply_to_id: str | None = Field(default=None, max_length=256)
    repost_of_id: str | None = Field(default=None, max_length=256)
    quote_of_id: str | None = Field(default=None, max_length=256)
    state: str = Field(default=MentionState.new.value, max_length=16)
    source_id: int | None = Field(default=None)
