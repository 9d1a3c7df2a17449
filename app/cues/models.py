from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class CueTrigger(StrEnum):
    """How a cue fires: by hand, at a wall-clock time, or at an offset on the show clock."""

    manual = "manual"
    at_time = "at_time"
    show_offset = "show_offset"


class Cue(SQLModel, table=True):
    """A show moment in running order, with the drafts attached to it (``draft.cue_id``).

    ``fire_count`` is how many times it fired; re-arming allows the next firing. The
    posts of firing ``n`` carry ``cue_firing = n``, and (draft, network, thread index,
    firing) is unique on ``post``: two producers, a double press or a retry publish once.
    """

    __tablename__ = "cue"
    __table_args__ = (
        Index("ix_cue_event_id_position", "event_id", "position"),
        # The scheduler looks for armed cues whose time has come.
        Index("ix_cue_armed_due_at", "armed", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    position: int = Field(default=0)
    trigger: str = Field(default=CueTrigger.manual.value, max_length=16)
    # The wall-clock time (at_time) it fires at.
    fire_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Seconds after on air (show_offset).
    offset_seconds: int | None = Field(default=None)
    # When a scheduled, armed cue is due (fire_at, or on air + offset); None when unknown.
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # True while it may fire; firing disarms it, re-arming sets it again.
    armed: bool = Field(default=True)
    fire_count: int = Field(default=0)
    fired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fired_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # Internal: never shown to viewers.
    note: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
