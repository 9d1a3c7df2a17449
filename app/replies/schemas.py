from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.auth.people import HolderPublic
from app.common.text import InputModel
from app.common.time import UtcTime
from app.replies.models import ReplyStatus

# Far beyond any network's limit: the length check says by how much a text is over; this
# only keeps absurd bodies out.
MAX_REPLY_TEXT = 10000


class ReplyPublic(BaseModel):
    """A reply and how its publishing goes."""

    id: int
    mention_id: int
    event_id: int
    network: str
    text: str
    status: ReplyStatus
    attempts: int
    last_error: str | None
    next_attempt_at: UtcTime | None
    external_id: str | None
    external_url: str | None
    dry_run: bool | None
    author: HolderPublic | None
    created_at: UtcTime
    published_at: UtcTime | None


class ReplyList(BaseModel):
    replies: list[ReplyPublic]


class SavedReplyCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REPLY_TEXT)
    ]


class SavedReplyPublic(BaseModel):
    id: int
    event_id: int
    title: str
    text: str
    template: str
    """The text as saved, with its ``{handle}`` and ``{name}``; ``text`` is filled in when
    the list is asked for one mention, and equals ``template`` otherwise."""
    created_by: HolderPublic | None
    created_at: UtcTime


class SavedReplyList(BaseModel):
    saved_replies: list[SavedReplyPublic]
