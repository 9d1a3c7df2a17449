from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

from app.auth.people import HolderPublic
from app.common.text import InputModel
from app.common.time import ApiTime, UtcTime
from app.events.models import Network
from app.mentions.models import MentionState
from app.replies.schemas import ReplyPublic

ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
Handle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]


class AuthorIn(InputModel):
    model_config = ConfigDict(extra="ignore")

    handle: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    name: Annotated[str, StringConstraints(max_length=256)] = ""
    followers: Annotated[int, Field(ge=0, le=10**12)] = 0
    verified: bool = False
    avatar_url: AnyHttpUrl | None = None


class MentionIn(InputModel):
    """One normalised mention, as sources and scripts send it."""

    model_config = ConfigDict(extra="ignore")

    network: Network
    external_id: ExternalId
    author: AuthorIn
    text: Annotated[str, StringConstraints(max_length=25000)]
    created_at: ApiTime
    lang: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] | None = None
    url: AnyHttpUrl | None = None
    reply_to_id: ExternalId | None = None
    repost_of_id: ExternalId | None = None
    quote_of_id: ExternalId | None = None
    # What decides whether the desk can answer (app/networks/eligibility.py), for the
    # sources that know it; all optional.
    mentioned_handles: Annotated[list[Handle], Field(max_length=50)] | None = None
    quote_author_handle: Handle | None = None
    visibility: Literal["public", "unlisted", "private", "direct"] | None = None
    replies_restricted: bool | None = None
    reply_allowed_handles: Annotated[list[Handle], Field(max_length=50)] | None = None

    def reply_context(self) -> dict[str, Any] | None:
        """The eligibility inputs the source gave, or None when it gave none."""
        context = {
            key: getattr(self, key)
            for key in REPLY_CONTEXT_FIELDS
            if getattr(self, key) is not None
        }
        return context or None


REPLY_CONTEXT_FIELDS = (
    "mentioned_handles",
    "quote_author_handle",
    "visibility",
    "replies_restricted",
    "reply_allowed_handles",
)


class ReplyEligibility(BaseModel):
    """Whether the desk's account can answer through the network's API, and if not why."""

    ok: bool = True
    reason: str | None = None


class AuthorPublic(BaseModel):
    handle: str
    name: str
    followers: int
    verified: bool
    avatar_url: str | None


class ClaimPublic(BaseModel):
    """A mention's claim as everyone sees it (the draft is only shown to its holder)."""

    holder: HolderPublic
    lease_until: UtcTime
    fence: int


class NotePublic(BaseModel):
    """An internal note for the team, never sent to a network."""

    id: int
    mention_id: int
    text: str
    author: HolderPublic | None
    created_at: UtcTime


class MentionPublic(BaseModel):
    id: int
    event_id: int
    seq: int
    network: str
    external_id: str
    author: AuthorPublic
    text: str
    created_at: UtcTime
    received_at: UtcTime
    lang: str | None
    url: str | None
    reply_to_id: str | None
    repost_of_id: str | None
    quote_of_id: str | None
    cluster_id: int | None = Field(
        default=None,
        description="The first mention of the flood group this one joined (docs/floods.md).",
    )
    state: MentionState
    priority: int
    tags: list[str]
    flagged: bool
    claim: ClaimPublic | None
    notes: list[NotePublic] = Field(
        default_factory=list, description="Internal notes, oldest first."
    )
    reply: ReplyPublic | None = Field(
        default=None, description="Its reply, once answered, with its publishing status."
    )
    deleted_at: UtcTime | None = Field(
        default=None, description="When the network said the post was deleted (kept, marked)."
    )
    edited_at: UtcTime | None = Field(
        default=None, description="When the network said the post was edited (text is new)."
    )
    reply_eligibility: ReplyEligibility = Field(
        default_factory=ReplyEligibility,
        description="Whether the desk's account can answer it (as known at ingest).",
    )


class IngestResult(BaseModel):
    accepted: int
    duplicates: int


class MentionPage(BaseModel):
    items: list[MentionPublic]
    has_more: bool
    next_cursor: str | None = Field(
        default=None,
        description="With sort=priority: pass as ``cursor`` to get the next page.",
    )
