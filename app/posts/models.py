from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class PostStatus(StrEnum):
    """As a reply: queued → sending → published; sending → retrying → …; or → failed."""

    queued = "queued"
    sending = "sending"
    retrying = "retrying"
    published = "published"
    failed = "failed"


class Post(SQLModel, table=True):
    """One post (not a reply) to one network: a draft's post fired by a cue, or a quick post.

    A thread is several rows chained by ``thread_index`` (each published after its parent,
    as an answer to it). The idempotency key is written with the row, before any network is
    called, as for replies.
    """

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("draft_id", "cue_firing", "network", "thread_index"),
        Index("ix_post_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_post_event_id_cue_id", "event_id", "cue_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    draft_id: int | None = Field(default=None, foreign_key="draft.id", ondelete="SET NULL")
    draft_version: int | None = Field(default=None)
    cue_id: int | None = Field(default=None, foreign_key="cue.id", ondelete="SET NULL")
    # Which firing of the cue made it (1, 2 after a re-arm …); 0 for a quick post.
    cue_firing: int = Field(default=0)
    network: str = Field(max_length=16)
    thread_index: int = Field(default=0)
    text: str = Field(sa_type=Text)
    attachment_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    idempotency_key: str = Field(max_length=64, unique=True)
    status: str = Field(default=PostStatus.queued.value, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    external_id: str | None = Field(default=None, max_length=256)
    external_url: str | None = Field(default=None, max_length=2048)
    dry_run: bool | None = Field(default=None)
    author_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
