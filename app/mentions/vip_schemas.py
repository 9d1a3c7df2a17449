"""The event's VIP list over HTTP: what comes in, and what goes out."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.common.text import InputModel
from app.events.models import Network
from app.mentions.priority import normalise_handle

MAX_VIPS = 2000
# Handles on X, Mastodon (user or user@instance) and Bluesky (a domain) are ASCII.
_VIP_HANDLE = re.compile(r"[a-z0-9_][a-z0-9_.@-]*")


class VipIn(InputModel):
    """A VIP handle: on one network, or on every network when ``network`` is null."""

    model_config = ConfigDict(extra="forbid")

    handle: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=129)]
    network: Network | None = None

    @field_validator("handle")
    @classmethod
    def _normalise(cls, value: str) -> str:
        handle = normalise_handle(value)
        if len(handle) > 128 or not _VIP_HANDLE.fullmatch(handle):
            raise ValueError(
                "a handle is letters, digits, '_', '.', '-' and '@' (e.g. 'ana', '@ana', "
                f"'ana@mastodon.social', 'ana.bsky.social'); got {value!r}"
            )
        return handle


class VipListIn(InputModel):
    """The whole VIP list (it replaces the current one). An item may be a bare handle
    (``"@ana"``, any network) or ``{"handle": "ana", "network": "x"}``."""

    model_config = ConfigDict(extra="forbid")

    vips: list[VipIn] = Field(max_length=MAX_VIPS)

    @field_validator("vips", mode="before")
    @classmethod
    def _bare_handles(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"handle": item} if isinstance(item, str) else item for item in value]
        return value


class VipPublic(BaseModel):
    handle: str
    network: Network | None


class VipList(BaseModel):
    event_id: int
    vips: list[VipPublic]


class VipListUpdated(VipList):
    added: int
    removed: int
    reprioritised: int = Field(description="Mentions whose priority changed.")
