"""The replay's tables: bookmarks a producer shares, and the replay index.

The index is a cache of the journal, never a second history: per-minute counts, the show's
markers (cues fired, posts published) and, every ``CHECKPOINT_EVERY`` seqs, the small state
a seek starts from (claims held, replies in flight, posts). It is built from the journal in
whole chunks, on demand, and can be dropped and rebuilt at any time (app/replay/index.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class Bookmark(SQLModel, table=True):
    """A named instant of an event (a journal seq), added by a producer, shared by URL."""

    __tablename__ = "bookmark"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    seq: int
    name: str = Field(max_length=120)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReplayMinute(SQLModel, table=True):
    """How many journal entries, and how many of them mentions, an event had in one minute
    (by the entries' ``at``), and the seqs that minute spans."""

    __tablename__ = "replay_minute"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    minute_at: datetime = Field(sa_type=UTCDateTime, primary_key=True)
    entries: int
    mentions: int
    first_seq: int
    last_seq: int


class ReplayMarker(SQLModel, table=True):
    """A moment the replay marks on its chart: a cue fired or a post published."""

    __tablename__ = "replay_marker"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    kind: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)
    label: str = Field(max_length=300)


class ReplayCheckpoint(SQLModel, table=True):
    """The board (app/replay/board.py) as of ``seq``: the last one is how far the index
    reaches."""

    __tablename__ = "replay_checkpoint"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    seq: int = Field(primary_key=True)
    # JSON text, encoded once and sent as it is.
    board: str = Field(sa_type=Text)
