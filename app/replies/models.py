from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class ReplyStatus(StrEnum):
    """queued → sending → published; sending → retrying → sending …; or → failed."""

    queued = "queued"
    sending = "sending"
    retrying = "retrying"
    published = "published"
    failed = "failed"


class Reply(SQLModel, table=True):
    """An answer to a mention, and the outbox row its publishing works from.

    The idempotency key is written with the reply, in the request's transaction, before any
    network is called: every attempt sends the same key, so a retry after a lost answer
    cannot post twice where the network honours keys (Mastodon), and the dry-run publisher
    derives its post id from it.
    """

    __tablename__ = "reply"
    __table_args__ = (
        # The publishing workers look for due replies by status and time.
        Index("ix_reply_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    mention_id: int = Field(foreign_key="mention.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    network: str = Field(max_length=16)
    # The network's id of the post answered (the mention's external id).
    in_reply_to: str = Field(max_length=256)
    text: str = Field(sa_type=Text)
    idempotency_key: str = Field(max_length=64, unique=True)
    status: str = Field(default=ReplyStatus.queued.value, max_length=16)
    attempts: int = Field(default=0)
    # When a queued or retrying reply is due; when a sending one's send may be presumed lost.
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    external_id: str | None = Field(default=None, max_length=256)
    external_url: str | None = Field(default=None, max_length=2048)
    dry_run: bool | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SavedReply(SQLModel, table=True):
    """A reply prepared for the event ("Thanks {handle}! …"), inserted from the composer."""

    __tablename__ = "saved_reply"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=80)
    text: str = Field(sa_type=Text)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
