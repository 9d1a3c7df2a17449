"""The refusals of triage, worded so that the person refused knows who and what to wait for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.auth.people import holder_dict
from app.common.errors import Conflict
from app.common.time import as_utc, isoformat_z
from app.mentions.models import MentionState


def clock(value: datetime) -> str:
    """``21:04:05 UTC``: what a person reads; the body carries the full time for consoles."""
    return as_utc(value).strftime("%H:%M:%S") + " UTC"


def _holder(row: dict[str, Any]) -> tuple[str, dict[str, str]]:
    holder = holder_dict(row["holder_username"], row["holder_display_name"])
    return (row["holder_display_name"] or row["holder_username"]), holder


def finished(row: dict[str, Any]) -> Conflict:
    done = "replied to" if row["state"] == MentionState.replied.value else "dismissed"
    return Conflict(
        f"Mention {row['id']} was already {done}; there is nothing left to do on it.",
        state=row["state"],
    )


def held_by(row: dict[str, Any], *, hint: str = "") -> Conflict:
    """Someone else holds a live claim on the mention."""
    name, holder = _holder(row)
    return Conflict(
        f"Mention {row['id']} is held by {name} until {clock(row['lease_until'])}.{hint}",
        holder=holder,
        lease_until=isoformat_z(row["lease_until"]),
    )


def claim_gone(row: dict[str, Any], user_id: int, fence: int) -> Conflict:
    """A holder's action carried a fence that no longer holds the mention."""
    mention_id = row["id"]
    if row["claimed_by_id"] is None:
        return Conflict(
            f"Your claim on mention {mention_id} has expired; claim it again to carry on.",
            holder=None,
            lease_until=None,
        )
    if row["claimed_by_id"] == user_id:
        if row["claim_fence"] != fence:
            return Conflict(
                f"Fence {fence} is from an earlier claim of mention {mention_id}; you claimed "
                f"it again since: use fence {row['claim_fence']}.",
                fence=row["claim_fence"],
            )
        return Conflict(
            f"Your claim on mention {mention_id} expired at {clock(row['lease_until'])}; "
            "claim it again to carry on.",
            lease_until=isoformat_z(row["lease_until"]),
        )
    name, holder = _holder(row)
    return Conflict(
        f"Your claim on mention {mention_id} has expired or been taken over: {name} took it "
        f"and holds it until {clock(row['lease_until'])}.",
        holder=holder,
        lease_until=isoformat_z(row["lease_until"]),
    )
