from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.common.text import InputModel
from app.common.time import ApiTime, UtcTime
from app.events.models import EventStatus, Network

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _clean_hashtags(values: list[str]) -> list[str]:
    """``#SuperBowl`` and ``superbowl`` are one tag: keep the first spelling, drop the ``#``."""
    seen: set[str] = set()
    cleaned = []
    for value in values:
        tag = value.lstrip("#").strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


class EventCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    hashtags: list[Tag] = Field(default_factory=list, max_length=50)
    keywords: list[Tag] = Field(default_factory=list, max_length=50)
    networks: list[Network] = Field(default_factory=lambda: list(Network), max_length=10)
    starts_at: ApiTime | None = None
    ends_at: ApiTime | None = None
    status: EventStatus = EventStatus.scheduled

    @model_validator(mode="after")
    def _check(self) -> EventCreate:
        self.hashtags = _clean_hashtags(self.hashtags)
        self.networks = list(dict.fromkeys(self.networks))
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValueError("ends_at must not be before starts_at")
        return self


class EventUpdate(InputModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    hashtags: list[Tag] | None = Field(default=None, max_length=50)
    keywords: list[Tag] | None = Field(default=None, max_length=50)
    networks: list[Network] | None = Field(default=None, max_length=10)
    starts_at: ApiTime | None = None
    ends_at: ApiTime | None = None
    status: EventStatus | None = None
    # Whether a quick post waits for a producer's approval.
    quick_posts_need_approval: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> EventUpdate:
        for field in ("name", "status", "quick_posts_need_approval"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        for field in ("hashtags", "keywords", "networks"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null; send [] to clear it")
        if self.hashtags is not None:
            self.hashtags = _clean_hashtags(self.hashtags)
        if self.networks is not None:
            self.networks = list(dict.fromkeys(self.networks))
        return self


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    hashtags: list[str]
    keywords: list[str]
    networks: list[str]
    starts_at: UtcTime | None
    ends_at: UtcTime | None
    status: EventStatus
    last_seq: int
    # The history last_seq counts in: a console opens the stream with ``epoch=`` this.
    journal_epoch: str
    # The show clock (T+0), set by POST …/on-air; null until the event goes on air.
    on_air_at: UtcTime | None = None
    off_air_at: UtcTime | None = None
    quick_posts_need_approval: bool = False
    created_at: UtcTime
    updated_at: UtcTime


class ShowClockSet(InputModel):
    """``POST …/on-air`` and ``…/off-air``: the time, or now when left out."""

    model_config = ConfigDict(extra="forbid")

    at: ApiTime | None = None
