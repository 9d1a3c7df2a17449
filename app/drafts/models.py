from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class DraftStatus(StrEnum):
    """draft → in_review → approved → published; an edit of an approved draft → in_review."""

    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    published = "published"


class Draft(SQLModel, table=True):
    """A post prepared for the event: a thread of one or more posts, each with a text per
    network (a network left empty is not posted there).

    ``content`` is ``{"posts": [{"texts": {"x": "…", "mastodon": "…", "bluesky": ""},
    "attachment_ids": [3]}]}``; ``version`` counts saves from 1 and is the ``ETag`` a save
    must send back (``If-Match``). Every version is kept in ``draft_version``.
    """

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_event_id_cue_id", "event_id", "cue_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    cue_id: int | None = Field(default=None, foreign_key="cue.id", ondelete="SET NULL")
    # Order among the cue's drafts (or the library's, without a cue).
    position: int = Field(default=0)
    title: str = Field(default="", max_length=200)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Internal: never shown to viewers.
    note: str = Field(default="", sa_type=Text)
    status: str = Field(default=DraftStatus.draft.value, max_length=16)
    version: int = Field(default=1)
    # The version a producer approved, so a later edit can be shown against it.
    approved_version: int | None = Field(default=None)
    approved_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    updated_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Deleted drafts are kept (the journal and posts refer to them) but never shown or fired.
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DraftVersion(SQLModel, table=True):
    """One saved version of a draft, as it was: who saved it, when, and the whole draft."""

    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    version: int
    # {"title", "content", "tags", "note", "cue_id"} as saved.
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # What this save changed, for the history ("texts.x", "tags", "restored from 3" …).
    summary: str = Field(default="", max_length=500)
    author_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DraftAttachment(SQLModel, table=True):
    """An image stored by the server under its data folder, by the hash of its bytes."""

    __tablename__ = "draft_attachment"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    sha256: str = Field(max_length=64)
    media_type: str = Field(max_length=64)
    size: int
    width: int | None = Field(default=None)
    height: int | None = Field(default=None)
    alt_text: str = Field(default="", sa_type=Text)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
