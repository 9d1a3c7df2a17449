"""Which Jetstream posts are the event's: by hashtag facet, ``record.tags`` or keyword,
without regard to case.

The whole post firehose passes through here (thousands a second), so a frame is first
checked as raw bytes: lowercased (ASCII, in C) and searched for any hashtag or keyword.
Only a frame holding one of them, or a delete or update (which may concern a post we
keep), is parsed. The pre-check never rejects a match: it looks for the longest run of each
term that reads the same in any lowercased frame holding the term (ASCII JSON does not
escape, or characters without case; Jetstream does not escape non-ASCII text), and a term
without such a run is looked for in the decoded, lowercased frame. It only lets through
frames the exact check then drops.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TAG_FEATURE = "app.bsky.richtext.facet#tag"
# Deletes carry no record (nothing to match), updates may drop the tag: both are parsed.
_CHANGE_MARKERS = (b'"operation":"delete"', b'"operation":"update"')


def normalise(term: str) -> str:
    return term.strip().lstrip("#").strip().lower()


# JSON may escape these (Go's encoder writes < > & as \u003c…): never part of a raw needle.
_ESCAPABLE = frozenset('"\\<>&')


def _safe(char: str) -> bool:
    """A character whose bytes in a lowercased raw frame are those of the lowercased term:
    ASCII that JSON does not escape, or a character without case (CJK, emoji)."""
    if char in _ESCAPABLE or ord(char) < 32:
        return False
    return char.isascii() or char.lower() == char.upper() == char


def raw_needle(term: str) -> bytes | None:
    """The longest run of ``term`` (lowercased) found as-is in any lowercased frame holding
    the term; None when it has none (then the frame's text is decoded and lowercased)."""
    runs, current = [], ""
    for char in term:
        if _safe(char):
            current += char
        else:
            runs.append(current)
            current = ""
    runs.append(current)
    best = max(runs, key=len)
    return best.encode() if best else None


class PostFilter:
    def __init__(self, hashtags: Iterable[str], keywords: Iterable[str]) -> None:
        self.hashtags = frozenset(t for t in map(normalise, hashtags) if t)
        self.keywords = tuple(sorted({k.strip().lower() for k in keywords if k.strip()}))
        needles = sorted({*self.hashtags, *self.keywords})
        pieces = {needle: raw_needle(needle) for needle in needles}
        self._byte_needles = tuple(sorted({p for p in pieces.values() if p is not None}))
        self._text_needles = tuple(n for n, p in pieces.items() if p is None)
        self._empty = not needles

    @property
    def empty(self) -> bool:
        return self._empty

    def may_match(self, raw: bytes) -> bool:
        """The cheap pre-check on a raw frame: False means this frame is surely not ours."""
        lowered = raw.lower()
        for needle in self._byte_needles:
            if needle in lowered:
                return True
        if self._text_needles:
            text = raw.decode("utf-8", "replace").lower()
            if any(needle in text for needle in self._text_needles):
                return True
        return any(marker in raw for marker in _CHANGE_MARKERS)

    def matches(self, record: dict[str, Any]) -> bool:
        """The exact check on a parsed post record."""
        if self.hashtags and not self.hashtags.isdisjoint(record_tags(record)):
            return True
        if self.keywords:
            text = record.get("text")
            if isinstance(text, str):
                lowered = text.lower()
                return any(keyword in lowered for keyword in self.keywords)
        return False


def record_tags(record: dict[str, Any]) -> set[str]:
    """The post's hashtags, lowercased: its tag facets and its ``tags`` (up to 8 more)."""
    found: set[str] = set()
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else ():
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else ():
            if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE:
                tag = feature.get("tag")
                if isinstance(tag, str):
                    found.add(normalise(tag))
    tags = record.get("tags")
    for tag in tags if isinstance(tags, list) else ():
        if isinstance(tag, str):
            found.add(normalise(tag))
    return found
