"""Rich text for a Bluesky post: the server parses nothing, the client says where each
hashtag, mention and link is, in UTF-8 byte offsets of the text.

The patterns follow Bluesky's documented ones ("Links, mentions, and rich text"): a mention
is ``@handle.domain`` (resolved to its DID; an unknown handle stays plain text), a link an
``http(s)://`` address without trailing punctuation, a hashtag ``#`` and up to 64 characters
that are not all digits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import regex

_MENTION = regex.compile(
    rb"(?:^|[\s(])(@(([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]"
    rb"([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?))"
)
_LINK = regex.compile(
    rb"(?:^|[\s(])(https?://[-\w@:%.+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b"
    rb"(?:[-\w()@:%+.~#?&/=]*[-\w()@%+~#&/=])?)"
)
_TAG = regex.compile(
    rb"(?:^|\s)([#\xef\xbc\x83]((?!\xef\xb8\x8f)[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\d][^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]*))"
)

ResolveHandle = Callable[[str], Awaitable[str | None]]


def _facet(start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def tags_and_links(text: str) -> list[dict[str, Any]]:
    """The hashtag and link facets (no network needed)."""
    data = text.encode("utf-8")
    facets = []
    for match in _LINK.finditer(data):
        uri = match.group(1).decode("utf-8")
        facets.append(
            _facet(
                match.start(1), match.end(1), {"$type": "app.bsky.richtext.facet#link", "uri": uri}
            )
        )
    for match in _TAG.finditer(data):
        tag = match.group(2).decode("utf-8")
        if len(tag) > 64:
            continue
        facets.append(
            _facet(
                match.start(1), match.end(1), {"$type": "app.bsky.richtext.facet#tag", "tag": tag}
            )
        )
    return facets


def mention_spans(text: str) -> list[tuple[int, int, str]]:
    """Each ``@handle``: its byte start and end, and the handle."""
    data = text.encode("utf-8")
    return [
        (match.start(1), match.end(1), match.group(2).decode("utf-8").lower())
        for match in _MENTION.finditer(data)
    ]


async def build(text: str, resolve: ResolveHandle) -> list[dict[str, Any]]:
    """All the facets of ``text``, mentions resolved to DIDs through ``resolve``; sorted by
    where they start."""
    facets = tags_and_links(text)
    for start, end, handle in mention_spans(text):
        did = await resolve(handle)
        if did:
            facets.append(
                _facet(start, end, {"$type": "app.bsky.richtext.facet#mention", "did": did})
            )
    return sorted(facets, key=lambda facet: facet["index"]["byteStart"])
