"""A reply's length as each network measures it, and whether the network would take it.

The console's composer runs the same rules in the browser (``frontend/src/compose/length.ts``)
and both are tested on one set of cases (``tests/data/length_cases.json``): the counter a
person watches while typing and the check the server makes before posting must never disagree.

- X: twitter-text v3's weighted length: NFC first, most Latin and common punctuation weigh 1,
  everything else 2, an emoji sequence 2 as a whole, a URL 23 (found by twitter-text, here
  its ``twitter-text-parser`` port); at most 280.
- Mastodon: what its ``StatusLengthValidator`` counts: the text with each URL that has a
  protocol replaced by 23 characters and each ``@user@domain`` by ``@user``, counted in
  grapheme clusters (``each_grapheme_cluster.size``); 500 and 23 unless the server says
  otherwise (its instance's ``configuration.statuses``).
- Bluesky: the ``app.bsky.feed.post`` lexicon: at most 300 grapheme clusters and 3,000 UTF-8
  bytes, URLs counted as typed.
"""

from __future__ import annotations

import importlib.resources
import sys
import types
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import regex

X_LIMIT: Final = 280
MASTODON_DEFAULT_LIMIT: Final = 500
BLUESKY_LIMIT: Final = 300
BLUESKY_MAX_BYTES: Final = 3000
# Both X (t.co) and Mastodon count every link as this many characters, whatever its length.
URL_LENGTH: Final = 23

NETWORKS: Final = ("x", "mastodon", "bluesky")


@dataclass(frozen=True)
class MastodonCounting:
    """How a Mastodon server counts a status: ``configuration.statuses`` of its instance
    (``GET /api/v2/instance``), or Mastodon's defaults."""

    max_characters: int = MASTODON_DEFAULT_LIMIT
    characters_reserved_per_url: int = URL_LENGTH


@dataclass(frozen=True)
class LengthCheck:
    network: str
    """``"x"``, ``"mastodon"`` or ``"bluesky"``."""
    length: int
    """The network's own measure: X's weighted length, Mastodon's characters (grapheme
    clusters, URLs as 23, ``@user@domain`` as ``@user``), Bluesky's graphemes."""
    limit: int
    remaining: int
    """``limit - length``: negative when over."""
    valid: bool
    """Within the limit (and, for Bluesky, the byte limit), not blank and, for X, free of the
    characters it refuses."""
    reason: str | None
    """Why it is not valid, in words for the person writing; ``None`` when valid."""


def check_length(
    network: str, text: str, *, mastodon_limit: int = MASTODON_DEFAULT_LIMIT,
    mastodon_url_length: int = URL_LENGTH,
) -> LengthCheck:  # fmt: skip
    """Measure ``text`` as ``network`` would and say whether it may be posted there.

    ``mastodon_limit`` and ``mastodon_url_length`` are the server's
    ``configuration.statuses.max_characters`` and ``characters_reserved_per_url``.
    """
    if network == "x":
        return _check_x(text)
    if network == "mastodon":
        if mastodon_limit < 1:
            raise ValueError(f"mastodon_limit must be at least 1, not {mastodon_limit}")
        if mastodon_url_length < 0:
            raise ValueError(f"mastodon_url_length must not be negative: {mastodon_url_length}")
        return _check_mastodon(text, mastodon_limit, mastodon_url_length)
    if network == "bluesky":
        return _check_bluesky(text)
    raise ValueError(f"unknown network {network!r}: expected one of {', '.join(NETWORKS)}")


# --- X -------------------------------------------------------------------------------------

# twitter-text v3's configuration (config/v3.json): code points in these ranges weigh 1 and
# every other one 2 (its weights 100 and 200 over a scale of 100).
_X_LIGHT_RANGES: Final = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
# An emoji sequence weighs 2 as a whole (v3's emojiParsingEnabled). twitter-text finds them with
# a list of known emoji, and its two implementations here disagree: the Python port's list
# (Emoji 12) counts "©" as an emoji and 🤏🏻 as one, the npm package's (twemoji-parser 11) counts
# "©" as a letter and 🤏🏻 as two emoji, and both count the newer ❤️‍🔥 as 5. X documents that
# every emoji counts 2 whatever it is made of, so both sides use this one rule instead. An emoji
# sequence is a grapheme cluster (UAX #29) of two or more code points that is a flag (two
# regional indicators), a keycap, or a pictograph followed by an emoji variation selector, a
# skin tone, a zero width joiner or a tag. Extended_Pictographic reserves the blocks future
# emoji will use, so the rule needs no list and no update. A lone character keeps its own
# weight: "©" 1, "☺" 2, as in both implementations.
_EMOJI_SEQUENCE = regex.compile(
    r"[\U0001F1E6-\U0001F1FF]{2}"
    r"|[#*0-9]\uFE0F?\u20E3"
    r"|\p{Extended_Pictographic}[\uFE0F\u200D\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F].*",
    regex.DOTALL,
)
# twitter-text rejects these outright (its invalidCharsGroup): a stray byte-order mark pasted
# from a document is the one a person can actually run into.
_X_INVALID_CHARACTER = regex.compile("[\ufffe\ufeff\uffff]")


def _check_x(text: str) -> LengthCheck:
    length = _x_weighted_length(text)
    reason: str | None = None
    if _is_blank(text):
        reason = EMPTY_REASON
    elif invalid := _X_INVALID_CHARACTER.search(text):
        reason = f"X does not accept the character U+{ord(invalid.group()):04X}"
    elif length > X_LIMIT:
        reason = _over_limit(length - X_LIMIT, "X", X_LIMIT, URL_HINT)
    return _result("x", length, X_LIMIT, reason)


def _x_weighted_length(text: str) -> int:
    """twitter-text v3's weighted length: NFC, URLs 23, emoji sequences 2, other code points
    by their range."""
    # A textarea's value has "\n" line breaks, but pasted or API-made text may carry "\r\n":
    # count every line break as one character on both sides.
    normalized = unicodedata.normalize("NFC", _one_kind_of_line_break(text))
    length = 0
    position = 0
    # URLs are found by twitter-text itself (with or without a protocol, its TLD lists, the
    # punycode length check), which the JavaScript package does identically.
    for url in _twitter_text().extract_urls_with_indices(normalized):
        start, end = url["indices"]
        length += _x_plain_length(normalized[position:start]) + URL_LENGTH
        position = end
    return length + _x_plain_length(normalized[position:])


def _x_plain_length(text: str) -> int:
    length = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI_SEQUENCE.fullmatch(cluster):
            length += 2
        else:
            length += sum(_x_weight(ord(character)) for character in cluster)
    return length


def _x_weight(code_point: int) -> int:
    return 1 if any(low <= code_point <= high for low, high in _X_LIGHT_RANGES) else 2


def _one_kind_of_line_break(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@cache
def _twitter_text() -> Any:
    """The ``twitter_text`` module (PyPI ``twitter-text-parser``), imported on first use.

    Only its URL extraction is used (for X and Mastodon). Importing it also compiles a very
    large emoji expression (about a quarter of a second), which only a process that checks
    replies should pay for.
    """
    with _pkg_resources_stand_in():
        import twitter_text
    return twitter_text


def warm_up() -> None:
    """Pay the import on start-up, not on an operator's first reply of the night."""
    for network in NETWORKS:
        check_length(network, "warm-up https://example.com")


@contextmanager
def _pkg_resources_stand_in() -> Iterator[None]:
    """Let ``twitter_text`` import where setuptools' ``pkg_resources`` is missing.

    The package reads its emoji list with ``pkg_resources.resource_string`` but does not
    declare setuptools, and setuptools 81 removed ``pkg_resources`` altogether: a fresh
    environment would fail to import it. For the length of that import only, lend it a module
    that does that one thing (read a data file shipped beside the calling module). A
    ``pkg_resources`` someone else already imported is left as it is.
    """
    if "pkg_resources" in sys.modules:
        yield
        return
    stand_in = types.ModuleType("pkg_resources")

    def resource_string(module_name: str, resource: str) -> bytes:
        spec = sys.modules[module_name].__spec__
        package = module_name if spec is None or spec.parent is None else spec.parent
        return importlib.resources.files(package).joinpath(resource).read_bytes()

    stand_in.resource_string = resource_string  # type: ignore[attr-defined]
    sys.modules["pkg_resources"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("pkg_resources") is stand_in:
            del sys.modules["pkg_resources"]


# --- Mastodon ------------------------------------------------------------------------------

# Ruby's [[:word:]], which Mastodon's Account::MENTION_RE uses for the domain part.
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
# Account::MENTION_RE: not after "=", "/" or a word character (so not inside an e-mail
# address or a URL path); a username of ASCII letters, digits and "_" with single "." or "-"
# runs inside; optionally "@domain".
_MENTION = regex.compile(
    rf"(?<![=/{_WORD}])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*(?:@[{_WORD}]+(?:[.-]+[{_WORD}]+)*)?)"
)
# twitter-text's endMentionMatch, which Mastodon's extractor also applies: a mention directly
# followed by another at sign, a Latin accented letter or "://" is not a mention at all.
_NOT_A_MENTION_AFTER = regex.compile(
    "[@\uff20\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257"
    "\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://"
)


def _check_mastodon(text: str, limit: int, url_length: int) -> LengthCheck:
    length = _grapheme_count(_mastodon_countable_text(text, url_length))
    reason: str | None = None
    if _is_blank(text):
        reason = EMPTY_REASON
    elif length > limit:
        reason = _over_limit(length - limit, "Mastodon", limit, _url_hint(url_length))
    return _result("mastodon", length, limit, reason)


def _mastodon_countable_text(text: str, url_length: int) -> str:
    """The text as ``StatusLengthValidator#countable_text`` rewrites it before counting."""
    # Mastodon extracts URLs with twitter-text, protocol required
    # (extract_url_without_protocol: false): "example.com" alone counts as typed.
    entities: list[tuple[int, int, str]] = [
        (url["indices"][0], url["indices"][1], "x" * url_length)
        for url in _twitter_text().extract_urls_with_indices(
            text, extract_urls_without_protocol=False
        )
    ]
    for mention in _MENTION.finditer(text):
        if _NOT_A_MENTION_AFTER.match(text, mention.end()):
            continue
        username = mention.group(1).split("@", 1)[0]
        entities.append((mention.start(), mention.end(), f"@{username}"))
    entities.sort(key=lambda entity: entity[0])

    parts: list[str] = []
    position = 0
    for start, end, replacement in entities:
        # twitter-text's remove_overlapping_entities: the entity that starts first wins.
        if start < position:
            continue
        parts.append(text[position:start])
        parts.append(replacement)
        position = end
    parts.append(text[position:])
    return "".join(parts)


# --- Bluesky -------------------------------------------------------------------------------


def _check_bluesky(text: str) -> LengthCheck:
    length = _grapheme_count(text)
    # "surrogatepass" counts a lone surrogate as the 3 bytes the browser's TextEncoder gives
    # its replacement character, instead of failing on it.
    size = len(text.encode("utf-8", "surrogatepass"))
    reason: str | None = None
    bytes_over = size - BLUESKY_MAX_BYTES
    if _is_blank(text):
        reason = EMPTY_REASON
    elif length > BLUESKY_LIMIT and bytes_over > 0:
        reason = (
            f"{_over_limit(length - BLUESKY_LIMIT, 'Bluesky', BLUESKY_LIMIT, '')}, "
            f"and {_count(bytes_over, 'byte')} over its {BLUESKY_MAX_BYTES:,}-byte limit"
        )
    elif length > BLUESKY_LIMIT:
        reason = _over_limit(length - BLUESKY_LIMIT, "Bluesky", BLUESKY_LIMIT, "")
    elif bytes_over > 0:
        reason = f"Over Bluesky's {BLUESKY_MAX_BYTES:,}-byte limit by {_count(bytes_over, 'byte')}"
    return _result("bluesky", length, BLUESKY_LIMIT, reason)


# --- Shared --------------------------------------------------------------------------------

# The wording is shared with length.ts word for word: tests on both sides pin it.
EMPTY_REASON: Final = "Empty reply"
URL_HINT: Final = f" (URLs count {URL_LENGTH} each)"


def _url_hint(url_length: int) -> str:
    return f" (URLs count {url_length} each)"


_GRAPHEME = regex.compile(r"\X")
# Unicode's White_Space property, spelled the same way in length.ts: str.strip() and
# String.prototype.trim() disagree on a few characters (U+0085, U+FEFF, U+001C to U+001F).
_BLANK = regex.compile(r"\p{White_Space}*")


def _grapheme_count(text: str) -> int:
    # Extended grapheme clusters (UAX #29), as Ruby's each_grapheme_cluster, Bluesky's
    # lexicon validator and the browser's Intl.Segmenter count them.
    return sum(1 for _ in _GRAPHEME.finditer(text))


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _over_limit(over: int, network_name: str, limit: int, hint: str) -> str:
    return f"{_count(over, 'character')} over {network_name}'s limit of {limit:,}{hint}"


def _result(network: str, length: int, limit: int, reason: str | None) -> LengthCheck:
    return LengthCheck(
        network=network,
        length=length,
        limit=limit,
        remaining=limit - length,
        valid=reason is None,
        reason=reason,
    )
