from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.auth.people import HolderPublic
from app.common.ids import MAX_ID
from app.common.text import InputModel
from app.common.time import UtcTime
from app.mentions.schemas import MentionPublic, NotePublic
from app.mentions.tags import TagIn
from app.replies.schemas import MAX_REPLY_TEXT

Fence = Annotated[int, Field(ge=1, le=MAX_ID, description="The fence number your claim was given.")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# Long enough for any network's post and a thread of a few; a draft is not the reply itself.
MAX_DRAFT_LENGTH = 10000
MAX_NOTE_LENGTH = 2000


class ClaimRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    take_over: bool = Field(
        default=False,
        description="Producers and admins: end another holder's live claim and take it.",
    )


class RenewRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    fence: Fence
    draft: Annotated[str, StringConstraints(max_length=MAX_DRAFT_LENGTH)] | None = Field(
        default=None,
        description="The reply being typed, kept with the claim; omit to leave it unchanged.",
    )


class ReleaseRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    fence: Fence


class DismissRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    fence: Fence | None = Field(
        default=None, description="Your claim's fence, if you hold the mention."
    )
    reason: Reason | None = None


class ClaimGrant(BaseModel):
    """A claim as its holder sees it."""

    mention: MentionPublic
    holder: HolderPublic
    fence: int
    lease_until: UtcTime
    draft: str | None


class MyClaims(BaseModel):
    claims: list[ClaimGrant]


class TagRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    tag: TagIn


class MentionTags(BaseModel):
    mention_id: int
    tags: list[str]


class FlagRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason | None = None


class NoteCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)
    ]


class NoteList(BaseModel):
    notes: list[NotePublic]


class EditedReply(InputModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(max_length=MAX_REPLY_TEXT)]


class ReplyRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(max_length=MAX_REPLY_TEXT)]
    fence: Fence
