from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.common.text import InputModel
from app.common.time import UtcTime
from app.posts.models import PostStatus

# Far beyond any network's limit: the length check says by how much a text is over; this
# only keeps absurd bodies out.
MAX_POST_TEXT = 10000
PostText = Annotated[str, StringConstraints(max_length=MAX_POST_TEXT)]


class PostPublic(BaseModel):
    id: int
    event_id: int
    draft_id: int | None
    cue_id: int | None
    cue_firing: int
    network: str
    thread_index: int
    text: str
    attachment_ids: list[int] = Field(
        default_factory=list, description="The images sent with it, in order (their ids)"
    )
    status: PostStatus
    attempts: int
    last_error: str | None
    external_id: str | None
    external_url: str | None
    dry_run: bool | None
    created_at: UtcTime
    published_at: UtcTime | None


class PostList(BaseModel):
    posts: list[PostPublic]


class QuickPostTexts(InputModel):
    """A text per network; a network left out or empty is not posted to."""

    model_config = ConfigDict(extra="forbid")

    x: PostText = ""
    mastodon: PostText = ""
    bluesky: PostText = ""


class QuickPostCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    texts: QuickPostTexts


class QuickPostResult(BaseModel):
    """``published``: its posts are queued for the outbox (201). ``held_for_approval``:
    it waits as a draft in review for a producer (202), nothing is posted yet."""

    status: Literal["published", "held_for_approval"]
    detail: str
    posts: list[PostPublic] = Field(default_factory=list)
    draft_id: int | None = None
