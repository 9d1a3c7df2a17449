"""The priority score of a mention, computed once at ingest from the mention alone.

Ingest handles thousands of mentions a second, so this is plain Python on one row: no
query, no model. The parts add up (higher answers first):

* the author's reach, on a log scale: 10 points per factor of ten followers, at most 60;
* a verified author: 20;
* a question (a question mark or a question phrase in en/es/fr/de/pt/ja): 25;
* a negative tone (a word from :mod:`app.mentions.lexicon`): 30;
* an author on the event's VIP list: 200, more than all the others together, so VIPs
  always come first. It is the one part that depends on the event, which is why it is added
  separately (:data:`VIP_BONUS`) and re-applied when the list changes.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from app.mentions import lexicon

FOLLOWERS_POINTS_PER_DECADE = 10
FOLLOWERS_MAX_POINTS = 60
VERIFIED_BONUS = 20
QUESTION_BONUS = 25
NEGATIVE_BONUS = 30
VIP_BONUS = 200

# The network-agnostic marker in a VIP key (and in the event_vip table).
ANY_NETWORK = "*"

_TOKEN = re.compile(r"\w+")
_PHRASES = {first: frozenset(then) for first, then in lexicon.QUESTION_PHRASES.items()}
_PHRASE_STARTS = frozenset(_PHRASES)


def normalise_handle(handle: str) -> str:
    """``@Ana`` and ``ana`` are one handle. Handles on X, Mastodon and Bluesky are ASCII and
    case-insensitive, and SQL's ``lower()`` agrees with Python's on ASCII, which is what lets
    :mod:`app.mentions.vip_priority` find a handle's mentions with one query."""
    return handle.strip().lstrip("@").lower()


def followers_points(followers: int) -> int:
    if followers <= 0:
        return 0
    points = int(FOLLOWERS_POINTS_PER_DECADE * math.log10(followers + 1))
    return min(points, FOLLOWERS_MAX_POINTS)


def _has_phrase(words: list[str]) -> bool:
    for first, then in itertools.pairwise(words):
        follow = _PHRASES.get(first)
        if follow is not None and then in follow:
            return True
    return False


# The checks below ask the frozensets about the list of words (``frozenset.isdisjoint``
# hashes each word once) rather than building a set of the words: ingest scores thousands
# of mentions a second, and this keeps a score to a couple of microseconds.


def is_question(text: str, words: list[str], ascii_only: bool) -> bool:
    if "?" in text:
        return True
    if not lexicon.QUESTION_WORDS.isdisjoint(words):
        return True
    if not ascii_only:
        if any(mark in text for mark in lexicon.QUESTION_MARKS):
            return True
        if any(part in text for part in lexicon.QUESTION_SUBSTRINGS_JA):
            return True
    # Most posts have none of the phrase openers: skip the walk over the words.
    return not _PHRASE_STARTS.isdisjoint(words) and _has_phrase(words)


def is_negative(text: str, words: list[str], ascii_only: bool) -> bool:
    if not lexicon.NEGATIVE_WORDS.isdisjoint(words):
        return True
    return not ascii_only and any(part in text for part in lexicon.NEGATIVE_SUBSTRINGS_JA)


def base_score(text: str, followers: int, verified: bool) -> int:
    """Everything but the VIP bonus: depends on the mention only."""
    words = _TOKEN.findall(text.lower())
    ascii_only = text.isascii()
    score = followers_points(followers)
    if verified:
        score += VERIFIED_BONUS
    if is_question(text, words, ascii_only):
        score += QUESTION_BONUS
    if is_negative(text, words, ascii_only):
        score += NEGATIVE_BONUS
    return score


@dataclass(slots=True)
class VipSet:
    """An event's VIP list as two sets of normalised handles, for a lookup per mention."""

    any_network: set[str] = field(default_factory=set)
    by_network: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]]) -> VipSet:
        """From (network or :data:`ANY_NETWORK`, normalised handle) pairs."""
        vips = cls()
        for network, handle in pairs:
            if network == ANY_NETWORK:
                vips.any_network.add(handle)
            else:
                vips.by_network.add((network, handle))
        return vips

    def __bool__(self) -> bool:
        return bool(self.any_network or self.by_network)

    def contains(self, network: str, handle_key: str) -> bool:
        return handle_key in self.any_network or (network, handle_key) in self.by_network

    def handles(self) -> set[str]:
        return self.any_network | {handle for _network, handle in self.by_network}


def score(
    text: str, followers: int, verified: bool, network: str, handle: str, vips: VipSet
) -> int:
    """The full priority of a new mention of an event whose VIP list is ``vips``."""
    value = base_score(text, followers, verified)
    if vips and vips.contains(network, normalise_handle(handle)):
        value += VIP_BONUS
    return value
