from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from app.auth.people import HolderPublic
from app.common.ids import MAX_ID
from app.common.text import InputModel
from app.common.time import UtcTime


class BookmarkCreate(InputModel):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    seq: Annotated[int, Field(ge=0, le=MAX_ID, description="The instant: a journal seq.")]


class BookmarkPublic(BaseModel):
    id: int
    event_id: int
    seq: int
    name: str
    created_by: HolderPublic | None
    created_at: UtcTime


class ReplayEvent(BaseModel):
    id: int
    name: str
    hashtags: list[str]
    on_air_at: UtcTime | None
    off_air_at: UtcTime | None
    starts_at: UtcTime | None
    ends_at: UtcTime | None


class ReplayMinutes(BaseModel):
    """Per minute of the journal, as columns: the chart's x and y as they are."""

    at: list[UtcTime]
    mentions: list[int]
    entries: list[int]
    first_seq: list[int]
    last_seq: list[int]


class ReplayMarkerPublic(BaseModel):
    seq: int
    kind: str
    """``cue`` (a cue fired) or ``post`` (a post published)."""
    at: UtcTime
    label: str


class ReplaySpike(BaseModel):
    at: UtcTime
    seq: int
    mentions: int
    baseline: float


class ReplayOverview(BaseModel):
    event: ReplayEvent
    last_seq: int
    epoch: str
    first_at: UtcTime | None
    last_at: UtcTime | None
    minutes: ReplayMinutes
    markers: list[ReplayMarkerPublic]
    spikes: list[ReplaySpike]
    bookmarks: list[BookmarkPublic]


class ReplaySeek(BaseModel):
    """Documents the seek's answer (sent as built, not through this model)."""

    seq: int
    at: UtcTime | None
    last_seq: int
    checkpoint_seq: int
    from_seq: int
    mentions: list[dict[str, Any]]
    board: dict[str, Any]
    board_entries: list[dict[str, Any]]
    """The board's entries between the checkpoint and ``from_seq`` (no mentions)."""
    entries: list[dict[str, Any]]


class ReplayEntries(BaseModel):
    after_seq: int
    last_seq: int
    entries: list[dict[str, Any]]
