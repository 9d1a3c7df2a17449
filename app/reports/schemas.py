from __future__ import annotations

from pydantic import BaseModel

from app.common.time import UtcTime


class MinuteVolume(BaseModel):
    minute: UtcTime
    """The minute's start."""
    mentions: int


class BacklogSnapshot(BaseModel):
    waiting: int
    """Mentions neither answered nor dismissed."""
    claimed_ids: list[int]
    """The waiting mentions someone holds now."""
    oldest: list[tuple[int, str]]
    """The oldest waiting mentions, oldest first: ``[id, received_at]``."""
    more: bool
    """Whether more mentions wait than ``oldest`` lists."""


class OperatorAnswers(BaseModel):
    operator: str
    seconds: list[float]
    """For each mention they answered first: seconds from its arrival to the reply."""


class NumbersSnapshot(BaseModel):
    as_of_seq: int
    """The journal position these numbers are as of: apply the entries after it."""
    on_air_at: UtcTime | None
    off_air_at: UtcTime | None
    volume: list[MinuteVolume]
    backlog: BacklogSnapshot
    answers: list[OperatorAnswers]
