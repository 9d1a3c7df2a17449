"""What the drafts API takes and answers (docs/drafts.md)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.common.ids import MAX_ID
from app.common.text import InputModel
from app.common.time import UtcTime
from app.drafts.models import DraftStatus

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Far above any network's limit (Bluesky's 3,000 bytes is the largest): the counters say
# by how much a text is over; this only bounds what is stored.
PostText = Annotated[str, StringConstraints(max_length=20000)]

MAX_THREAD_POSTS = 25
# X, Mastodon and Bluesky all take at most four images on one post.
MAX_IMAGES_PER_POST = 4


class NetworkTexts(InputModel):
    """A post's text on each network; empty (or only spaces) means not posted there."""

    model_config = ConfigDict(extra="forbid")

    x: PostText = ""
    mastodon: PostText = ""
    bluesky: PostText = ""


class DraftPost(InputModel):
    model_config = ConfigDict(extra="forbid")

    texts: NetworkTexts = Field(default_factory=NetworkTexts)
    attachment_ids: list[RowId] = Field(default_factory=list, max_length=MAX_IMAGES_PER_POST)

    @model_validator(mode="after")
    def _distinct_images(self) -> DraftPost:
        if len(set(self.attachment_ids)) != len(self.attachment_ids):
            raise ValueError("an image is attached to a post at most once")
        return self


class DraftContent(InputModel):
    """A thread: the posts in order (one for a single post)."""

    model_config = ConfigDict(extra="forbid")

    posts: list[DraftPost] = Field(min_length=1, max_length=MAX_THREAD_POSTS)


def _empty_content() -> DraftContent:
    return DraftContent(posts=[DraftPost()])


class DraftCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    title: Title = ""
    content: DraftContent = Field(default_factory=_empty_content)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    note: Annotated[str, StringConstraints(max_length=5000)] = ""
    cue_id: RowId | None = None
    # Left out: after the last draft of its cue (or of the library).
    position: Annotated[int, Field(ge=0, le=100000)] | None = None


class DraftUpdate(InputModel):
    """Only the fields sent are changed; ``cue_id: null`` takes the draft off its cue."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    content: DraftContent | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    note: Annotated[str, StringConstraints(max_length=5000)] | None = None
    cue_id: RowId | None = None
    position: Annotated[int, Field(ge=0, le=100000)] | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> DraftUpdate:
        for field in ("title", "content", "tags", "note", "position"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class ReturnToDraft(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class BulkApprove(InputModel):
    """Exactly one of: the drafts named, every draft of one cue, or the whole sheet."""

    model_config = ConfigDict(extra="forbid")

    draft_ids: list[RowId] | None = Field(default=None, min_length=1, max_length=1000)
    cue_id: RowId | None = None
    all: bool | None = None

    @model_validator(mode="after")
    def _one_scope(self) -> BulkApprove:
        given = [f for f in ("draft_ids", "cue_id", "all") if getattr(self, f) is not None]
        if len(given) != 1 or self.all is False:
            raise ValueError('send one of {"draft_ids": [...]}, {"cue_id": n} or {"all": true}')
        return self


class PersonPublic(BaseModel):
    id: int
    username: str
    display_name: str


class DraftPublic(BaseModel):
    """A draft as the API and the journal show it; ``note`` is left out for viewers."""

    id: int
    event_id: int
    cue_id: int | None
    position: int
    title: str
    content: dict[str, Any]
    tags: list[str]
    note: str | None = Field(default=None, description="Internal: never sent to viewers.")
    status: DraftStatus
    version: int
    approved_version: int | None
    approved_by: PersonPublic | None
    approved_at: UtcTime | None
    created_by: PersonPublic | None
    updated_by: PersonPublic | None
    created_at: UtcTime
    updated_at: UtcTime
    approved_content: dict[str, Any] | None = Field(
        default=None,
        description="GET /api/drafts/{id} only: the content as approved, when the draft was "
        "approved at an earlier version than its current one (shows what changed since).",
    )


class BulkSkipped(BaseModel):
    draft_id: int
    status: DraftStatus
    reason: str


class BulkApproved(BaseModel):
    approved: list[DraftPublic]
    skipped: list[BulkSkipped]


class DraftVersionPublic(BaseModel):
    draft_id: int
    version: int
    summary: str
    author: PersonPublic | None
    created_at: UtcTime
    snapshot: dict[str, Any] = Field(
        description="title, content, tags, note (not for viewers), cue_id, position as saved"
    )


class AttachmentPublic(BaseModel):
    id: int
    event_id: int
    sha256: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    alt_text: str
    url: str
    created_at: UtcTime


class AttachmentList(BaseModel):
    attachments: list[AttachmentPublic]


class AttachmentUpdate(InputModel):
    model_config = ConfigDict(extra="forbid")

    alt_text: Annotated[str, StringConstraints(max_length=2000)]
