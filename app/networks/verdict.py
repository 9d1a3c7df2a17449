"""Whether a mention can be answered, and if not why (each network's rule returns one)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str | None = None


ANSWERABLE = Eligibility(True)
