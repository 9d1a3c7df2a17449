from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.common.text import InputModel
from app.common.time import UtcTime
from app.mentions.schemas import HolderPublic, ReplyPublic
from app.triage.schemas import Fence

# Far beyond any network's limit: the length check says by how much a text is over; this
# only keeps absurd bodies out.
MAX_REPLY_TEXT = 10000


class ReplyRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(max_length=MAX_REPLY_TEXT)]
    fence: Fence


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
