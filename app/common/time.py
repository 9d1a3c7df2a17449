"""Time helpers: every time Cuedesk stores or sends is an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken to be UTC (SQLite stores no offset)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def isoformat_z(value: datetime) -> str:
    """``2026-02-08T23:41:05.123Z``: millisecond precision, as in the journal format.

    Spelled out rather than ``strftime``: glibc writes year 999 as ``999``, which no ISO 8601
    parser reads back."""
    v = as_utc(value)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        f".{v.microsecond // 1000:03d}Z"
    )


def accepted_time(value: datetime) -> datetime:
    """A time the API accepts, as it is stored and sent back: UTC, to the millisecond.

    Its offset is required (``AwareDatetime``): a time without one is refused, never guessed
    as UTC. ``9999-12-31T23:59:59-12:00`` is valid ISO 8601 but lies past year 9999 in UTC,
    which neither Python nor our columns can hold."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            "the time falls outside the years 1 to 9999 once converted to UTC"
        ) from None
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware column that reads back as aware UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value)


# A datetime that the API sends exactly as the journal does: ``2026-02-08T23:41:05.123Z``.
UtcTime = Annotated[datetime, PlainSerializer(isoformat_z, return_type=str, when_used="json")]

# Every time the API accepts (a body field or a query filter): an offset required, converted
# to UTC, years 1 to 9999 after conversion, kept to the millisecond as it is sent back.
ApiTime = Annotated[
    AwareDatetime,
    AfterValidator(accepted_time),
    Field(description="ISO 8601 with an offset (Z or ±hh:mm); kept to the millisecond, in UTC."),
]
