"""The hub's memory: the latest journal entries, encoded once for each audience.

Most entries read the same for the team and for viewers, and both rings then hold the very
same string; only an entry that hides something from viewers is encoded twice. Each
audience has its own cached frame, so the sockets of one tick still share one frame per
audience.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import orjson

from app.journal import visibility
from app.journal.visibility import Audience


def encode_entry(entry: dict[str, Any]) -> str:
    public = {k: entry[k] for k in ("seq", "type", "at", "actor", "data")}
    return orjson.dumps(public).decode()


def entries_frame(encoded: Iterable[str]) -> str:
    return '{"type":"entries","entries":[' + ",".join(encoded) + "]}"


class EncodedRing:
    def __init__(self, size: int, max_frame_entries: int) -> None:
        # Contiguous, ending at the hub's received seq: a seq's place is arithmetic, and the
        # collector has one object per entry to walk, not three.
        self._team: deque[str] = deque(maxlen=size)
        self._viewer: deque[str] = deque(maxlen=size)
        self._encoded: dict[Audience, deque[str]] = {"team": self._team, "viewer": self._viewer}
        self._max_frame = max_frame_entries
        # Per audience: (after seq, visible seq, frame, frame's last seq).
        self._frames: dict[Audience, tuple[int, int, str, int]] = {}

    def __len__(self) -> int:
        return len(self._team)

    def append(self, entry: dict[str, Any]) -> None:
        encoded = encode_entry(entry)
        self._team.append(encoded)
        shown = visibility.for_viewer(entry)
        self._viewer.append(encoded if shown is entry else encode_entry(shown))

    def frame_after(
        self, seq: int, *, visible_seq: int, last_seq: int, audience: Audience
    ) -> tuple[str, int] | None:
        """The frame after ``seq`` up to ``visible_seq`` (the ring ends at ``last_seq``)
        and the seq it ends at; None when the ring no longer reaches back to ``seq``."""
        cache = self._frames.get(audience)
        if cache is not None and cache[0] == seq and cache[1] == visible_seq:
            return cache[2], cache[3]
        ring = self._encoded[audience]
        first_seq = last_seq - len(ring) + 1
        if not ring or first_seq > seq + 1:
            return None
        start = seq + 1 - first_seq
        end_seq = min(visible_seq, seq + self._max_frame)
        frame = entries_frame(ring[i] for i in range(start, start + end_seq - seq))
        self._frames[audience] = (seq, visible_seq, frame, end_seq)
        return frame, end_seq
