"""Parsers of a network's raw payloads, for files of them (``format: "raw"``).

The file source knows no network. A network's folder registers its parser here, under a
name the source's ``parser`` setting then gives, for example in ``app/networks/x``::

    from app.ingest.sources.file import parsers

    parsers.register("x", parse_tweet)   # one raw JSON object → MentionIn, or None

A parser takes one line's JSON object and answers the mention it carries, or None when the
payload carries none (a delete, a keep-alive, a post outside the event): that line is
skipped, not reported. Anything it raises marks the line bad, with the exception's text as
the reason; the rest of the file still plays.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.mentions.schemas import MentionIn

RawParser = Callable[[dict[str, Any]], MentionIn | None]

_PARSERS: dict[str, RawParser] = {}


def register(name: str, parser: RawParser) -> None:
    """Make ``parser`` available to file sources as ``parser: name`` (once per name)."""
    existing = _PARSERS.get(name)
    if existing is not None and existing is not parser:
        raise ValueError(f"A raw payload parser is already registered as {name!r}.")
    _PARSERS[name] = parser


def unregister(name: str) -> None:
    _PARSERS.pop(name, None)


def registered() -> Mapping[str, RawParser]:
    return dict(_PARSERS)


def get(name: str) -> RawParser:
    try:
        return _PARSERS[name]
    except KeyError:
        known = ", ".join(sorted(_PARSERS)) or "none registered"
        raise ValueError(f"No raw payload parser {name!r} (known: {known}).") from None
