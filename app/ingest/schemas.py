"""What the sources API takes and answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.common.text import InputModel
from app.common.time import UtcTime
from app.ingest.models import SourceStatus


class SourceCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(default="simulator", description="What produces the mentions.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Settings for that kind; unknown keys are refused."
    )


class SourcePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    kind: str
    config: dict[str, Any]
    status: SourceStatus
    error: str | None
    report: dict[str, Any] | None = Field(
        default=None,
        description="What the source found about its input; for a file: lines, mentions, "
        "skipped, bad_line_count and the first 100 bad_lines (line number and error).",
    )
    created_at: UtcTime
    started_at: UtcTime | None
    stopped_at: UtcTime | None
    state: dict[str, Any] | None = Field(
        default=None,
        description="What the running source last reported: status (connecting, connected, "
        "reconnecting, rate_limited, refused), since, message, reconnecting_since, "
        "rate_limited_until, last_item_at, items_per_minute, malformed, and the network's "
        "own figures (X: reads_month, reads_cap). None for a source that reports none.",
    )
