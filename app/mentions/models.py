from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from app.common.time import UTCDateTime, utcnow


class MentionState(StrEnum):
    """new → claimed → (released →) new, or → replied / dismissed (final)."""

    new = "new"
    claimed = "claimed"
    replied = "replied"
    dismissed = "dismissed"


FINAL_STATES = (MentionState.replied.value, MentionState.dismissed.value)


class Mention(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("event_id", "network", "external_id"),
        Index("ix_mention_event_id_seq", "event_id", "seq"),
        # The claim sweeper looks for leases past their end. Only held claims have a
        # lease_until, so this partial index stays tiny and ingest never writes to it.
        Index(
            "ix_mention_lease_until",
            "lease_until",
            sqlite_where=sql_text("lease_until IS NOT NULL"),
            postgresql_where=sql_text("lease_until IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    # The seq of this mention's ``mention.received`` journal entry: arrival order.
    seq: int
    network: str = Field(max_length=16)
    external_id: str = Field(max_length=256)
    author_handle: str = Field(max_length=128)
    author_name: str = Field(default="", max_length=256)
    author_followers: int = Field(default=0)
    author_verified: bool = Field(default=False)
    author_avatar_url: str | None = Field(default=None, max_length=2048)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(sa_type=UTCDateTime)
    lang: str | None = Field(default=None, max_length=16)
    url: str | None = Field(default=None, max_length=2048)
    reply_to_id: str | None = Field(default=None, max_length=256)
    repost_of_id: str | None = Field(default=None, max_length=256)
    quote_of_id: str | None = Field(default=None, max_length=256)
    # Flood collapse (app/mentions/collapse.py): the id of the first mention of the group
    # this one joined (a repost, a quote, a copy of a chant); None for a group's first.
    cluster_id: int | None = Field(default=None)
    state: str = Field(default=MentionState.new.value, max_length=16)
    source_id: int | None = Field(default=None)
    # Computed at ingest (see app/mentions/priority.py); the VIP part is re-applied when the
    # event's VIP list changes.
    priority: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=sql_text("0"))
    )
    # The claim (a lease). claim_fence counts the claims ever granted on this mention: each
    # new claim takes the next number and a holder's action carrying an older one is refused.
    # It is never reset, so a number is never handed out twice.
    claimed_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # A server default, not a Python one: ingest's INSERT then leaves the column out, one
    # parameter less per row on the hot path.
    claim_fence: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=sql_text("0"))
    )
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The holder's half-typed reply, saved with each renewal so a reload keeps it.
    claim_draft: str | None = Field(default=None, sa_type=Text)
    # Flagged for the producer.
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    flagged_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    flag_reason: str | None = Field(default=None, max_length=500)
    # The network said the post was deleted, or edited (``text`` is then the new text):
    # the mention stays, marked (see app/mentions/changes.py).
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What decides whether the desk's account may answer (app/networks/eligibility.py), as
    # the source saw it: the handles mentioned, the quoted post's author, the visibility,
    # a thread gate. Empty for sources that say nothing of it.
    reply_context: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # Why the desk's account cannot answer, as computed at ingest; empty when it can.
    reply_blocked: str | None = Field(default=None, max_length=300)


_mention = Mention.__table__  # type: ignore[attr-defined]
# "Claim next" and the priority-sorted queue: the best unclaimed mention of an event is the
# first entry under (event_id, 'new'), ties going to the oldest. Declared on the columns
# (not as text) so that it compares equal to the reflected index on SQLite and PostgreSQL.
Index(
    "ix_mention_event_id_state_priority",
    _mention.c.event_id,
    _mention.c.state,
    _mention.c.priority.desc(),
    _mention.c.seq,
)
# The same for flood heads and mentions alone, the only ones claim next offers and the
# queue lists (docs/floods.md). Without it each claim walks past every waiting member of a
# flood ahead in the order (~20 ms per 50,000, under the counter lock ingest waits on);
# members are left out of it, so a flood's copies cost ingest no write to it.
Index(
    "ix_mention_event_id_state_priority_heads",
    _mention.c.event_id,
    _mention.c.state,
    _mention.c.priority.desc(),
    _mention.c.seq,
    sqlite_where=sql_text("cluster_id IS NULL"),
    postgresql_where=sql_text("cluster_id IS NULL"),
)


class MentionTag(SQLModel, table=True):
    """A label on a mention ("complaint", "prize"), lower-case, one row per tag."""

    __tablename__ = "mention_tag"

    mention_id: int = Field(foreign_key="mention.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(max_length=40, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class MentionNote(SQLModel, table=True):
    """An internal note on a mention, for the team; never sent to a network."""

    __tablename__ = "mention_note"

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
