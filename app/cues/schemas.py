from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.common.text import InputModel
from app.common.time import ApiTime, UtcTime
from app.cues.models import CueTrigger
from app.posts.schemas import PostPublic

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Note = Annotated[str, StringConstraints(max_length=5000)]
# A show runs hours, not weeks; past this an offset is a typo.
MAX_OFFSET_SECONDS = 7 * 24 * 3600
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET_SECONDS)]


class CueCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    trigger: CueTrigger = CueTrigger.manual
    fire_at: ApiTime | None = None
    offset_seconds: Offset | None = None
    note: Note = ""


class CueUpdate(InputModel):
    """Only the fields sent change; ``fire_at``/``offset_seconds`` may be sent as null."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    trigger: CueTrigger | None = None
    fire_at: ApiTime | None = None
    offset_seconds: Offset | None = None
    note: Note | None = None


class CueOrder(InputModel):
    model_config = ConfigDict(extra="forbid")

    cue_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(max_length=1000)


class PersonPublic(BaseModel):
    id: int
    username: str
    display_name: str


class CueDraftPublic(BaseModel):
    id: int
    title: str
    status: str
    networks: list[str]


class CuePublic(BaseModel):
    id: int
    event_id: int
    title: str
    position: int
    trigger: CueTrigger
    fire_at: UtcTime | None
    offset_seconds: int | None
    due_at: UtcTime | None
    armed: bool
    fire_count: int
    fired_at: UtcTime | None
    fired_by: PersonPublic | None
    note: str | None = Field(default=None, description="Omitted for viewers.")
    drafts: list[CueDraftPublic]


class CueSheet(BaseModel):
    cues: list[CuePublic]


class NotPublished(BaseModel):
    draft_id: int
    status: str
    reason: str


class CueFired(BaseModel):
    """What a firing did: the cue as it is now, the posts queued, the drafts left out."""

    cue: CuePublic
    firing: int
    post_ids: list[int]
    posts: list[PostPublic]
    not_published: list[NotPublished]


class DraftPublished(BaseModel):
    draft_id: int
    post_ids: list[int]
    posts: list[PostPublic]
