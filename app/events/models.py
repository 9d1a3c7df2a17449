from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow
from app.journal.models import new_journal_epoch


class EventStatus(StrEnum):
    scheduled = "scheduled"
    live = "live"
    ended = "ended"


class Network(StrEnum):
    x = "x"
    mastodon = "mastodon"
    bluesky = "bluesky"


class Event(SQLModel, table=True):
    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    hashtags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    keywords: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    networks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    starts_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=EventStatus.scheduled.value, max_length=16)
    # The show clock: T+0 is on_air_at. Set by a producer, correctable afterwards.
    on_air_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    off_air_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Whether a quick post (not from a cue) waits for a producer's approval.
    quick_posts_need_approval: bool = Field(default=False)
    # The journal's counter: the seq of the event's latest journal entry. Taking the next
    # numbers locks this row, which is what keeps seq gap-free under concurrent writers.
    last_seq: int = Field(default=0)
    # Which history the journal's numbers belong to: a database reset or restored holds
    # other entries under the same seqs, and a console resuming with another epoch reloads.
    journal_epoch: str = Field(default_factory=new_journal_epoch, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventVip(SQLModel, table=True):
    """A handle on the event's VIP list: its mentions come first in the queue.

    ``handle`` is normalised (no ``@``, lower case); ``network`` is a network or ``*`` for
    the handle on every network.
    """

    __tablename__ = "event_vip"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    network: str = Field(max_length=16, primary_key=True)
    handle: str = Field(max_length=128, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
