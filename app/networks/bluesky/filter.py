"""Which Jetstream posts are the event's: by hashtag facet, ``record.tags`` or keyword,
without regard to case.

The whole post firehose passes through here (thousands a second), so a frame is first
checked as raw bytes: lowercased (ASCII, in C) and searched for any hashtag or keyword.
Only a frame holding one of them, or a delete or update (which may concern a post we
keep), is parsed. The pre-check never rejects a match: a tag or keyword that is in the
post is in its frame, in the same letters (Jetstream writes JSON without escaping
non-ASCII text); it only lets through frames the exact check then drops.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TAG_FEATURE = "app.bsky.richtext.facet#tag"
# Deletes carry no record (nothing to match), updates may drop the tag: both are parsed.
_CHANGE_MARKERS = (b'"operation":"delete"', b'"operation":"update"')


def normalise(term: str) -> str:
    return term.strip().lstrip("#").strip().lower()


class PostFilter:
    def __init__(self, hashtags: Iterable[str], keywords: Iterable[str]) -> None:
        self.hashtags = frozenset(t for t in map(normalise, hashtags) if t)
        self.keywords = tuple(sorted({k.strip().lower() for k in keywords if k.strip()}))
        needles = {*self.hashtags, *self.keywords}
        self._ascii = all(needle.isascii() for needle in needles)
        self._byte_needles = tuple(needle.encode() for needle in sorted(needles))
        self._text_needles = tuple(sorted(needles))

    @property
    def empty(self) -> bool:
        return not self._text_needles

    def may_match(self, raw: bytes) -> bool:
        """The cheap pre-check on a raw frame: False means this frame is surely not ours."""
        lowered = raw.lower()
        for needle in self._byte_needles if self._ascii else ():
            if needle in lowered:
                return True
        if not self._ascii:
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
