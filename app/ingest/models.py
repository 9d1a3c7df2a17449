from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class SourceStatus(StrEnum):
    running = "running"
    stopped = "stopped"
    failed = "failed"


class Source(SQLModel, table=True):
    """A source of mentions attached to an event. Running sources restart with the server."""

    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=SourceStatus.running.value, max_length=16)
    error: str | None = Field(default=None, sa_type=Text)
    # What the source found about its input: a file's line counts and bad lines (bounded).
    report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    stopped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the running source last reported (connected, reconnecting since, items a minute;
    # see app/ingest/sources/stateful.py), so that any process can answer it.
    state: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
